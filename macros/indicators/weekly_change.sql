{#- Change of a weekly series over `weeks` weeks: x minus x of the row `weeks` rows earlier,
    only when that row is exactly 7 x weeks days earlier (a missing week gives null, never a
    change over a longer span). Rows ordered by `week_column`, one row per week (per value of
    `partition_by`, e.g. macro vintage_states' known_from, when given). -#}
{% macro weekly_change(x, week_column, weeks, partition_by=none) -%}
    {%- set window -%}
        over ({% if partition_by %}partition by {{ partition_by }} {% endif %}order by {{ week_column }})
    {%- endset -%}
    case
        when
            lag({{ week_column }}, {{ weeks }}) {{ window }}
            = {{ week_column }} - interval {{ 7 * weeks }} day
            then {{ x }} - lag({{ x }}, {{ weeks }}) {{ window }}
    end
{%- endmacro %}
