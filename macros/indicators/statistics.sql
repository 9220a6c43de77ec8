{#- Rolling z-score over `days` rows: (x - mean) / sample standard deviation, the current row
    included in the window. Null until `days` values exist or when the deviation is zero. -#}
{% macro rolling_zscore(x, days, order_by='trade_date', partition_by=none) -%}
    {%- set w = trailing_window(days, order_by, partition_by) -%}
    case
        when count({{ x }}) {{ w }} = {{ days }} and stddev_samp({{ x }}) {{ w }} > 0
            then {{ feature_round(
                '(' ~ x ~ ' - avg(' ~ x ~ ') ' ~ w ~ ') / stddev_samp(' ~ x ~ ') ' ~ w
            ) }}
    end
{%- endmacro %}

{#- Rolling Pearson correlation of y and x over `days` rows; null unless every row of the
    window has both values. -#}
{% macro rolling_correlation(y, x, days, order_by='trade_date', partition_by=none) -%}
    {%- set w = trailing_window(days, order_by, partition_by) -%}
    case
        when regr_count({{ y }}, {{ x }}) {{ w }} = {{ days }}
            then {{ feature_round('corr(' ~ y ~ ', ' ~ x ~ ') ' ~ w) }}
    end
{%- endmacro %}

{#- Rolling OLS beta of y on x over `days` rows: cov(y, x) / var(x); null unless every row of
    the window has both values. -#}
{% macro rolling_beta(y, x, days, order_by='trade_date', partition_by=none) -%}
    {%- set w = trailing_window(days, order_by, partition_by) -%}
    case
        when regr_count({{ y }}, {{ x }}) {{ w }} = {{ days }}
            then {{ feature_round('regr_slope(' ~ y ~ ', ' ~ x ~ ') ' ~ w) }}
    end
{%- endmacro %}
