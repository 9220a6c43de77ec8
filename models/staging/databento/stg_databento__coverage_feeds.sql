{#- The feeds the coverage map expects of Databento (one per market symbol; a null period
    lists a feed) and the rows that show each one's publication. -#}
with

expected as (

    {% for symbol in var('market_symbols') -%}
        select '{{ symbol }}' as feed
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

feeds as (

    select
        'databento' as source,
        feed,
        cast(null as varchar) as bucket,
        cast(null as date) as period_date,
        cast(null as timestamptz) as available_at
    from expected
    union all
    select
        'databento' as source,
        symbol as feed,
        cast(null as varchar) as bucket,
        trade_date as period_date,
        bar_closed_at as available_at
    from {{ ref('stg_databento__futures_ohlcv_1h') }}

)

select * from feeds
