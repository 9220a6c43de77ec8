{#- The window clause shared by the indicator macros: the last `days` rows up to the current
    one, ordered by `order_by`, within `partition_by` when given. -#}
{% macro trailing_window(days, order_by='trade_date', partition_by=none) -%}
    over (
        {% if partition_by %}partition by {{ partition_by }} {% endif -%}
        order by {{ order_by }} rows between {{ days - 1 }} preceding and current row
    )
{%- endmacro %}

{#- The window for lag(): ordered, partitioned when asked, no frame. -#}
{% macro ordered_window(order_by='trade_date', partition_by=none) -%}
    over (
        {% if partition_by %}partition by {{ partition_by }} {% endif -%}
        order by {{ order_by }}
    )
{%- endmacro %}

{#- Features are rounded to a fixed number of decimals (var feature_decimals) so
    a rebuild on more data reproduces them bit for bit and unit tests can state exact values. -#}
{% macro feature_round(expression) -%}
    round({{ expression }}, {{ var('feature_decimals') }})
{%- endmacro %}

{#- The condition under which a rolling statistic is computed: the window spans `days` rows and
    at least a share var('min_window_coverage') of them (rounded up) have a value. Daily
    returns are null across a roll that cannot be chained; one such day must not blank a
    63-day statistic for three months. `value_count` is the count of present values. -#}
{% macro window_is_full(value_count, days, order_by='trade_date', partition_by=none) -%}
    {%- set required = ((days * var('min_window_coverage')) | round(0, 'ceil') | int) -%}
    count(*) {{ trailing_window(days, order_by, partition_by) }} = {{ days }}
    and {{ value_count }} {{ trailing_window(days, order_by, partition_by) }} >= {{ required }}
{%- endmacro %}
