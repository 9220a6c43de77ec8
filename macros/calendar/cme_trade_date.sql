{#- The CME trade date of a bar: the Chicago-time date of its open plus 7 hours, so the
    evening session (from 17:00 CT) belongs to the next day's trade date. -#}
{% macro cme_trade_date(bar_opened_at) -%}
    cast(timezone('America/Chicago', {{ bar_opened_at }}) + interval 7 hour as date)
{%- endmacro %}

{#- The instant a trade date ends: 17:00 Chicago time, when the CME Globex day closes.
    Every hourly bar of the trade date (the last opens at 16:00 CT) has closed by then. -#}
{% macro cme_trade_date_end_at(trade_date) -%}
    timezone('America/Chicago', cast({{ trade_date }} as timestamp) + interval 17 hour)
{%- endmacro %}
