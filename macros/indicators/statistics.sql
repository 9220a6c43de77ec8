{#- Rolling z-score over `days` rows: (x - mean) / sample standard deviation, the current row
    included in the window. Null until the window is full
    (see window_is_full) or when the deviation is zero. -#}
{% macro rolling_zscore(x, days, order_by='trade_date', partition_by=none) -%}
    {%- set w = trailing_window(days, order_by, partition_by) -%}
    case
        when {{ window_is_full('count(' ~ x ~ ')', days, order_by, partition_by) }}
            and stddev_samp({{ x }}) {{ w }} > 0
            then {{ feature_round(
                '(' ~ x ~ ' - avg(' ~ x ~ ') ' ~ w ~ ') / stddev_samp(' ~ x ~ ') ' ~ w
            ) }}
    end
{%- endmacro %}

{#- Rolling Pearson correlation of y and x over `days` rows; null until the window is full
    of pairs (see window_is_full). -#}
{% macro rolling_correlation(y, x, days, order_by='trade_date', partition_by=none) -%}
    {%- set w = trailing_window(days, order_by, partition_by) -%}
    case
        when {{ window_is_full('regr_count(' ~ y ~ ', ' ~ x ~ ')', days, order_by, partition_by) }}
            then {{ feature_round('corr(' ~ y ~ ', ' ~ x ~ ') ' ~ w) }}
    end
{%- endmacro %}

{#- Rolling OLS beta of y on x over `days` rows: cov(y, x) / var(x); null until the window is
    full of pairs (see window_is_full). -#}
{% macro rolling_beta(y, x, days, order_by='trade_date', partition_by=none) -%}
    {%- set w = trailing_window(days, order_by, partition_by) -%}
    case
        when {{ window_is_full('regr_count(' ~ y ~ ', ' ~ x ~ ')', days, order_by, partition_by) }}
            then {{ feature_round('regr_slope(' ~ y ~ ', ' ~ x ~ ') ' ~ w) }}
    end
{%- endmacro %}

{#- Rolling sample standard deviation of x over `days` rows (same unit as x). -#}
{% macro rolling_standard_deviation(x, days, order_by='trade_date', partition_by=none) -%}
    case
        when {{ window_is_full('count(' ~ x ~ ')', days, order_by, partition_by) }}
            then {{ feature_round(
                'stddev_samp(' ~ x ~ ') ' ~ trailing_window(days, order_by, partition_by)
            ) }}
    end
{%- endmacro %}
