{#- One row per ZL trading day (int_trading_days_enumerated): the newest `period` (a date
    column) of `relation` public by the end of the trade date, i.e. among the rows whose
    available_at <= trade_date_end_at; null when there is none or it is more than
    `max_age_days` before the trade date (too old to use: never carried forward). Periods
    published together (a monthly update of weekly prices) share an instant, so each instant
    counts with the newest period public by then. Join the result back to `relation` on
    `period` for the values. With `partition_by` (a column, e.g. a market code) the pick is
    made per value of that column: one row per trading day and value present in `relation`.
    With `vintaged` (a relation carrying macro vintage_states' known_from and known_until) the
    pick is made in the knowledge state of each trade date, returned as known_from: join back
    on it too. -#}
{% macro latest_public_period(relation, period, max_age_days, partition_by=none, vintaged=false) -%}
    {%- set partition = partition_by ~ ', ' if partition_by else '' -%}
    {%- set state = 'known_from, ' if vintaged else '' -%}
    {%- set within = partition ~ state -%}
    with public_states as (

        select
            {{ within }}available_at,
            max(max({{ period }})) over (
                {% if within %}partition by {{ within.rstrip(', ') }} {% endif -%}
                order by available_at rows between unbounded preceding and current row
            ) as {{ period }}
        from {{ relation }}
        group by {{ within }}available_at

    ),

    grid as (

        select
            {% if partition_by %}partitions.{{ partition_by }},{% endif %}
            {% if vintaged %}states.known_from,{% endif %}
            trading_days.trade_date,
            trading_days.trade_date_end_at
        from {{ ref('int_trading_days_enumerated') }} as trading_days
        {%- if partition_by %}
            cross join (select distinct {{ partition_by }} from {{ relation }}) as partitions
        {%- endif %}
        {%- if vintaged %}
            inner join (
                select distinct known_from, known_until from {{ relation }}
                union all
                -- no rows at all: one state, so every trading day still has its (null) row
                select '-infinity'::timestamptz, 'infinity'::timestamptz
                where not exists (select 1 from {{ relation }})
            ) as states
                on
                    trading_days.trade_date_end_at >= states.known_from
                    and trading_days.trade_date_end_at < states.known_until
        {%- endif %}

    )

    select
        grid.trade_date,
        {% if partition_by %}grid.{{ partition_by }},{% endif %}
        {% if vintaged %}grid.known_from,{% endif %}
        case
            when
                date_diff('day', public_states.{{ period }}, grid.trade_date)
                <= {{ max_age_days }}
                then public_states.{{ period }}
        end as {{ period }}
    from grid
    asof left join public_states
        on
            {% if partition_by %}grid.{{ partition_by }} = public_states.{{ partition_by }}
            and {% endif %}{% if vintaged %}grid.known_from = public_states.known_from
            and {% endif %}grid.trade_date_end_at >= public_states.available_at
{%- endmacro %}
