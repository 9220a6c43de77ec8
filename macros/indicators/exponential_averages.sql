{#- Recursive exponential average a_t = (1 - alpha) * a_{t-1} + alpha * x_t, seeded with the
    simple mean of the first `days` values (the Wilder / TA-Lib convention); null before that.

    DuckDB has no recursive window function, so the recursion is a fold (list_reduce) over
    the values of a trailing window of `days + ceil(23 / alpha)` rows. While the series is
    shorter than that window the fold starts at the first value and the result is the exact
    recursion. Later the seed sits so far back that its weight is below (1 - alpha)^(23/alpha)
    < e^-23 = 1e-10, below the rounding of every feature. The value of a row depends only on
    earlier rows, so adding data never changes it (point in time). Null inputs are skipped. -#}
{% macro recursive_average(x, days, alpha, order_by='trade_date', partition_by=none) -%}
    {%- set lookback = days + ((23 / alpha) | round(0, 'ceil') | int) -%}
    {%- set values = 'list_filter(list(' ~ x ~ ') '
        ~ trailing_window(lookback, order_by, partition_by) ~ ', lambda ra_v: ra_v is not null)' -%}
    case
        when len({{ values }}) >= {{ days }}
            then list_reduce(
                list_slice({{ values }}, {{ days + 1 }}, len({{ values }})),
                lambda ra_acc, ra_v: ra_acc * (1 - {{ alpha }}) + {{ alpha }} * ra_v,
                list_avg(list_slice({{ values }}, 1, {{ days }}))
            )
    end
{%- endmacro %}

{#- Wilder's smoothing (RSI, ATR): the recursive average with alpha = 1 / days. -#}
{% macro wilder_average(x, days, order_by='trade_date', partition_by=none) -%}
    {{ recursive_average(x, days, 1.0 / days, order_by, partition_by) }}
{%- endmacro %}

{#- Exponential moving average as in MACD: alpha = 2 / (days + 1). -#}
{% macro exponential_average(x, days, order_by='trade_date', partition_by=none) -%}
    {{ recursive_average(x, days, 2.0 / (days + 1), order_by, partition_by) }}
{%- endmacro %}

{#- Relative strength index from Wilder averages of gains and losses: 100 - 100 / (1 + RS),
    RS = average gain / average loss; 100 when there was no loss. -#}
{% macro relative_strength_index(average_gain, average_loss) -%}
    case
        when {{ average_loss }} = 0 and {{ average_gain }} > 0 then 100.0
        when {{ average_loss }} > 0
            then {{ feature_round(
                '100 - 100 / (1 + ' ~ average_gain ~ ' / ' ~ average_loss ~ ')'
            ) }}
    end
{%- endmacro %}
