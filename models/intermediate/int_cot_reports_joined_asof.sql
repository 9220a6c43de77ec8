{#- One row per trade date and COT market with reports: the newest scored report public by
    the end of the trade date (macro latest_public_period, per market); null when its as-of
    date is more than max_report_age_days before the trade date (our files have years
    missing: nothing is carried across them). -#}
{%- set max_report_age_days = 21 -%}

with

markets as (

    select * from {{ ref('cftc_markets') }}

),

reports as (

    select * from {{ ref('int_cot_reports_scored') }}

),

latest_public_report as (

    {{
        latest_public_period(
            'reports', 'as_of_date', max_report_age_days, 'market_code', vintaged=true
        )
    }}

),

final as (

    select
        -- keys
        latest_public_report.trade_date,
        latest_public_report.market_code,
        markets.prefix as market_prefix,

        -- the report used and its age in calendar days (null when none is recent enough)
        reports.as_of_date,
        date_diff('day', reports.as_of_date, latest_public_report.trade_date)
            as report_age_days,

        -- positioning
        reports.open_interest_contracts,
        reports.managed_money_net_contracts,
        reports.managed_money_net_pct_oi,
        reports.managed_money_net_change_1w_contracts,
        reports.managed_money_net_pct_oi_percentile_3y,
        reports.producer_merchant_net_contracts,
        reports.producer_merchant_net_pct_oi,

        -- when the values used became public
        reports.available_at

    from latest_public_report
    inner join markets on latest_public_report.market_code = markets.market_code
    left join reports
        on
            latest_public_report.market_code = reports.market_code
            and latest_public_report.as_of_date = reports.as_of_date
            and latest_public_report.known_from = reports.known_from

)

select * from final
