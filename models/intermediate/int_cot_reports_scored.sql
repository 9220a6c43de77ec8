{#- One row per market and disaggregated futures-only COT report: managed money and producer/
    merchant net positions (contracts and % of open interest), the weekly change and the
    3-year percentile of managed money net % of open interest. Every value uses only this
    report and earlier ones; available_at is the latest publication among them. -#}
{%- set percentile_reports = 156 -%}
{%- set required_reports = ((percentile_reports * var('min_window_coverage')) | round(0, 'ceil') | int) -%}

with

reports as (

    select * from {{ ref('stg_cftc__cot_reports') }}
    where report_type = 'disaggregated' and futures_only

),

netted as (

    select
        market_code,
        as_of_date,
        available_at,
        known_from,
        known_until,
        open_interest_contracts,
        managed_money_long_contracts - managed_money_short_contracts
            as managed_money_net_contracts,
        100.0 * (managed_money_long_contracts - managed_money_short_contracts)
        / open_interest_contracts as managed_money_net_pct_oi,
        producer_merchant_long_contracts - producer_merchant_short_contracts
            as producer_merchant_net_contracts,
        100.0 * (producer_merchant_long_contracts - producer_merchant_short_contracts)
        / open_interest_contracts as producer_merchant_net_pct_oi
    from reports

),

with_previous as (

    select
        *,
        lag(as_of_date) over by_report as previous_as_of_date,
        lag(available_at) over by_report as previous_available_at,
        lag(managed_money_net_contracts) over by_report as previous_managed_money_net_contracts
    from netted
    window by_report as (partition by market_code, known_from order by as_of_date)

),

percentiles as (

    -- the reports of the three years to each report, itself included
    select
        report.market_code,
        report.as_of_date,
        report.known_from,
        count(history.managed_money_net_pct_oi) as reports_in_window,
        count(history.managed_money_net_pct_oi) filter (
            where history.managed_money_net_pct_oi <= report.managed_money_net_pct_oi
        ) / count(history.managed_money_net_pct_oi) as managed_money_net_pct_oi_percentile,
        max(history.available_at) as window_available_at
    from netted as report
    inner join netted as history
        on
            report.market_code = history.market_code
            and report.known_from = history.known_from
            and report.as_of_date - interval 3 year < history.as_of_date
            and report.as_of_date >= history.as_of_date
    group by report.market_code, report.as_of_date, report.known_from

),

final as (

    select
        -- keys
        with_previous.market_code,
        with_previous.as_of_date,

        -- positions, contracts and percent of open interest
        with_previous.open_interest_contracts,
        with_previous.managed_money_net_contracts,
        {{ feature_round('with_previous.managed_money_net_pct_oi') }} as managed_money_net_pct_oi,
        with_previous.producer_merchant_net_contracts,
        {{ feature_round('with_previous.producer_merchant_net_pct_oi') }}
            as producer_merchant_net_pct_oi,

        -- change since the previous weekly report (null across a gap)
        case
            when with_previous.previous_as_of_date >= with_previous.as_of_date - interval 10 day
                then with_previous.managed_money_net_contracts
                    - with_previous.previous_managed_money_net_contracts
        end as managed_money_net_change_1w_contracts,

        -- rank among the last three years of reports
        case
            when percentiles.reports_in_window >= {{ required_reports }}
                then {{ feature_round('percentiles.managed_money_net_pct_oi_percentile') }}
        end as managed_money_net_pct_oi_percentile_3y,
        percentiles.reports_in_window as reports_in_3y_window,

        -- the latest publication of any report used
        greatest(
            with_previous.available_at,
            percentiles.window_available_at,
            case
                when with_previous.previous_as_of_date >= with_previous.as_of_date - interval 10 day
                    then with_previous.previous_available_at
            end
        ) as available_at,

        -- knowledge state (macro vintage_states)
        with_previous.known_from,
        with_previous.known_until

    from with_previous
    inner join percentiles
        on
            with_previous.market_code = percentiles.market_code
            and with_previous.as_of_date = percentiles.as_of_date
            and with_previous.known_from = percentiles.known_from

)

select * from final
