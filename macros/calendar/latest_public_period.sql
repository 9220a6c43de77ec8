{#- One row per ZL trading day (int_trading_days_enumerated): the newest `period` (a date
    column) of `relation` public by the end of the trade date, i.e. among the rows whose
    available_at <= trade_date_end_at; null when there is none or it is more than
    `max_age_days` before the trade date (too old to use: never carried forward). Periods
    published together (a monthly update of weekly prices) share an instant, so each instant
    counts with the newest period public by then. Join the result back to `relation` on
    `period` for the values. -#}
{% macro latest_public_period(relation, period, max_age_days) -%}
    with public_states as (

        select
            available_at,
            max(max({{ period }})) over (
                order by available_at rows between unbounded preceding and current row
            ) as {{ period }}
        from {{ relation }}
        group by available_at

    )

    select
        trading_days.trade_date,
        case
            when
                date_diff('day', public_states.{{ period }}, trading_days.trade_date)
                <= {{ max_age_days }}
                then public_states.{{ period }}
        end as {{ period }}
    from {{ ref('int_trading_days_enumerated') }} as trading_days
    asof left join public_states
        on trading_days.trade_date_end_at >= public_states.available_at
{%- endmacro %}
