{#- Change of a weekly series over `weeks` weeks: x minus x of the row `weeks` rows earlier,
    only when that row is exactly 7 x weeks days earlier (a missing week gives null, never a
    change over a longer span). Rows ordered by `week_column`, one row per week. -#}
{% macro weekly_change(x, week_column, weeks) -%}
    case
        when
            lag({{ week_column }}, {{ weeks }}) over (order by {{ week_column }})
            = {{ week_column }} - interval {{ 7 * weeks }} day
            then {{ x }} - lag({{ x }}, {{ weeks }}) over (order by {{ week_column }})
    end
{%- endmacro %}
