{#- Point-in-time NOPA monthly crush per ZL trading day, from the newest data month public by
    the end of the trade date (macro latest_public_period): members' crush, end-of-month
    soybean oil stocks and oil yield, and crush and stocks against the same month a year
    earlier (that month's row as landed; both public by then). A month more than max_age_days
    before the trade date (one missed release) is null. -#}
{%- set max_age_days = 80 -%}

with

months as (

    select * from {{ ref('stg_nopa__monthly_crush') }}

),

with_year_ago as (

    select
        this_month.report_month,
        this_month.soybeans_crushed_million_bu,
        this_month.soybean_oil_stocks_million_lb,
        this_month.oil_yield_lb_per_bu,
        100 * (this_month.soybeans_crushed_million_bu / year_ago.soybeans_crushed_million_bu - 1)
            as crush_yoy_pct,
        100 * (
            this_month.soybean_oil_stocks_million_lb / year_ago.soybean_oil_stocks_million_lb - 1
        ) as oil_stocks_yoy_pct,
        greatest(this_month.available_at, year_ago.available_at) as available_at,
        this_month.known_from,
        this_month.known_until
    from months as this_month
    left join months as year_ago
        on
            year_ago.report_month = this_month.report_month - interval 12 month
            and this_month.known_from = year_ago.known_from

),

latest_public_month as (

    {{ latest_public_period('with_year_ago', 'report_month', max_age_days, vintaged=true) }}

),

final as (

    select
        -- key
        latest_public_month.trade_date,

        -- the data month used
        with_year_ago.report_month as nopa_report_month,

        -- members' crush (million bushels), oil stocks (million pounds), oil yield (lb/bu)
        {{ feature_round('with_year_ago.soybeans_crushed_million_bu') }}
            as nopa_crush_million_bu,
        {{ feature_round('with_year_ago.crush_yoy_pct') }} as nopa_crush_yoy_pct,
        {{ feature_round('with_year_ago.soybean_oil_stocks_million_lb') }}
            as nopa_soybean_oil_stocks_million_lb,
        {{ feature_round('with_year_ago.oil_stocks_yoy_pct') }}
            as nopa_soybean_oil_stocks_yoy_pct,
        with_year_ago.oil_yield_lb_per_bu as nopa_oil_yield_lb_per_bu,

        -- when the figures used became public
        with_year_ago.available_at as nopa_available_at

    from latest_public_month
    left join with_year_ago
        on
            latest_public_month.report_month = with_year_ago.report_month
            and latest_public_month.known_from = with_year_ago.known_from

)

select * from final
