{#- Log return over `days` rows: ln(price_t / price_{t-days}). Give it a roll-adjusted price
    so the return never contains the jump between two contracts. -#}
{% macro log_return_over_window(price, days, order_by='trade_date', partition_by=none) -%}
    {{ feature_round(
        'ln(' ~ price ~ ' / lag(' ~ price ~ ', ' ~ days ~ ') '
        ~ ordered_window(order_by, partition_by) ~ ')'
    ) }}
{%- endmacro %}

{#- Distance of the price from its simple moving average over `days` rows, as a fraction:
    price / mean(price) - 1. Null until the window is full (see window_is_full). -#}
{% macro moving_average_distance(price, days, order_by='trade_date', partition_by=none) -%}
    {%- set w = trailing_window(days, order_by, partition_by) -%}
    case
        when {{ window_is_full('count(' ~ price ~ ')', days, order_by, partition_by) }}
            then {{ feature_round(price ~ ' / avg(' ~ price ~ ') ' ~ w ~ ' - 1') }}
    end
{%- endmacro %}
