with

calendar_sessions as (

    select trade_date
    from {{ ref('int_futures_sessions_aggregated') }}
    where symbol = '{{ var("calendar_symbol") }}'

),

enumerated as (

    select
        trade_date,
        cast(row_number() over (order by trade_date) as integer) as trading_day_index,
        {{ cme_trade_date_end_at('trade_date') }} as trade_date_end_at
    from calendar_sessions

)

select * from enumerated
