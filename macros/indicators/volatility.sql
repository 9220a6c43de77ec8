{#- Realised close-to-close volatility, annualised: sample standard deviation of `days` daily
    log returns times sqrt(252). Null until the window is full (see window_is_full). -#}
{% macro realised_volatility(log_return, days, order_by='trade_date', partition_by=none) -%}
    {%- set w = trailing_window(days, order_by, partition_by) -%}
    case
        when {{ window_is_full('count(' ~ log_return ~ ')', days, order_by, partition_by) }}
            then {{ feature_round('stddev_samp(' ~ log_return ~ ') ' ~ w ~ ' * sqrt(252)') }}
    end
{%- endmacro %}

{#- Parkinson range-based volatility, annualised: sqrt(mean(ln(high/low)^2) / (4 ln 2)) over
    `days` sessions, times sqrt(252). Uses only each session's own high and low, so a roll
    between sessions does not enter it. -#}
{% macro parkinson_volatility(high, low, days, order_by='trade_date', partition_by=none) -%}
    {%- set w = trailing_window(days, order_by, partition_by) -%}
    {%- set squared_range = 'pow(ln(' ~ high ~ ' / ' ~ low ~ '), 2)' -%}
    case
        when {{ window_is_full('count(' ~ squared_range ~ ')', days, order_by, partition_by) }}
            then {{ feature_round(
                'sqrt(avg(' ~ squared_range ~ ') ' ~ w ~ ' / (4 * ln(2)) * 252)'
            ) }}
    end
{%- endmacro %}

{#- True range of a session: the largest of high - low, |high - previous close| and
    |low - previous close|; high - low on the first session. -#}
{% macro true_range(high, low, previous_close) -%}
    greatest(
        {{ high }} - {{ low }},
        coalesce(abs({{ high }} - {{ previous_close }}), 0),
        coalesce(abs({{ low }} - {{ previous_close }}), 0)
    )
{%- endmacro %}

{#- Bollinger %B over `days` rows with bands at `num_std` population standard deviations:
    (price - lower band) / (upper band - lower band); 0.5 is the moving average, 1 the upper
    band. Null until the window is full or when the deviation is zero. -#}
{% macro bollinger_percent_b(price, days, num_std=2, order_by='trade_date', partition_by=none) -%}
    {%- set w = trailing_window(days, order_by, partition_by) -%}
    case
        when {{ window_is_full('count(' ~ price ~ ')', days, order_by, partition_by) }}
            and stddev_pop({{ price }}) {{ w }} > 0
            then {{ feature_round(
                '(' ~ price ~ ' - avg(' ~ price ~ ') ' ~ w ~ ' + ' ~ num_std
                ~ ' * stddev_pop(' ~ price ~ ') ' ~ w ~ ') / (2 * ' ~ num_std
                ~ ' * stddev_pop(' ~ price ~ ') ' ~ w ~ ')'
            ) }}
    end
{%- endmacro %}
