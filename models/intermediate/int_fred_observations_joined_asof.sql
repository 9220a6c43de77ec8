{#- One row per trade date and FRED series that feeds a bucket (seed fred_series): the newest
    observation public by the end of the trade date, in its latest vintage public by then; null
    when older than the series' max_age_days (never carried forward). -#}
with

trading_days as (

    select * from {{ ref('int_trading_days_enumerated') }}

),

series as (

    select * from {{ ref('fred_series') }}
    where bucket is not null

),

observations as (

    select * from {{ ref('stg_fred__observations') }}
    where value is not null

),

publications as (

    -- per publication instant, its newest observation (then latest vintage)
    select
        series_id,
        available_at,
        max({
            'observation_date': observation_date,
            'available_at': available_at,
            'value': value
        }) as newest
    from observations
    group by series_id, available_at

),

public_states as (

    -- what was public after each instant: the newest of everything published so far
    select
        series_id,
        available_at as published_at,
        max(newest) over (
            partition by series_id
            order by available_at
            rows between unbounded preceding and current row
        ) as latest
    from publications

),

grid as (

    select
        trading_days.trade_date,
        trading_days.trade_date_end_at,
        series.series_id,
        series.max_age_days
    from trading_days
    cross join series

),

joined as (

    select
        grid.trade_date,
        grid.series_id,
        grid.max_age_days,
        struct_extract(public_states.latest, 'observation_date') as observation_date,
        struct_extract(public_states.latest, 'value') as value,
        struct_extract(public_states.latest, 'available_at') as available_at
    from grid
    asof left join public_states
        on
            grid.series_id = public_states.series_id
            and grid.trade_date_end_at >= public_states.published_at

),

aged as (

    select
        *,
        date_diff('day', observation_date, trade_date) as age_days,
        date_diff('day', observation_date, trade_date) <= max_age_days as is_recent
    from joined

),

final as (

    select
        -- keys
        trade_date,
        series_id,

        -- the observation used and its age in calendar days (all null when it is too old)
        case when is_recent then observation_date end as observation_date,
        case when is_recent then age_days end as age_days,

        -- the value and when it became public
        case when is_recent then value end as value,
        case when is_recent then available_at end as available_at

    from aged

)

select * from final
