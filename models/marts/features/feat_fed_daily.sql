with

panel as (

    select * from {{ ref('int_futures_sessions_pivoted_to_trading_days') }}

),

fred as (

    select * from {{ ref('int_fred_series_pivoted_to_trading_days') }}

),

rates as (

    select
        *,
        100 - zq_close_price as zq_implied_rate_pct,
        ln(zq_adj_close_price / lag(zq_adj_close_price, 21) over (order by trade_date))
            as zq_log_return_21d,
        ln(zt_adj_close_price / lag(zt_adj_close_price, 21) over (order by trade_date))
            as zt_log_return_21d,
        ln(zn_adj_close_price / lag(zn_adj_close_price, 21) over (order by trade_date))
            as zn_log_return_21d
    from panel

),

with_fred as (

    select
        rates.*,
        fred.dff_value as fed_funds_effective_pct,
        fred.dfedtaru_value as fed_funds_target_upper_pct,
        fred.dgs2_value as ust_2y_yield_pct,
        fred.dgs10_value as ust_10y_yield_pct,
        fred.t10y2y_value as ust_10y_minus_2y_pp,
        greatest(
            fred.dff_age_days, fred.dfedtaru_age_days, fred.dgs2_age_days,
            fred.dgs10_age_days, fred.t10y2y_age_days
        ) as fred_rates_max_age_days,
        greatest(
            fred.dff_available_at, fred.dfedtaru_available_at, fred.dgs2_available_at,
            fred.dgs10_available_at, fred.t10y2y_available_at
        ) as fred_rates_available_at
    from rates
    left join fred on rates.trade_date = fred.trade_date

),

features as (

    select
        -- key
        trade_date,

        -- fed funds futures: implied rate and its roll-free change
        {{ feature_round('zq_implied_rate_pct') }} as zq_implied_rate_pct,
        {{ feature_round('-zq_close_price * (1 - exp(-zq_log_return_21d))') }}
            as zq_implied_rate_change_21d_pp,

        -- treasury note futures: roll-free returns
        {{ feature_round('zt_log_return_1d_roll_free') }} as zt_log_return_1d,
        {{ log_return_over_window('zt_adj_close_price', 5) }} as zt_log_return_5d,
        {{ feature_round('zt_log_return_21d') }} as zt_log_return_21d,
        {{ feature_round('zn_log_return_1d_roll_free') }} as zn_log_return_1d,
        {{ log_return_over_window('zn_adj_close_price', 5) }} as zn_log_return_5d,
        {{ feature_round('zn_log_return_21d') }} as zn_log_return_21d,

        -- slope proxy: 2-year minus 10-year futures return (positive = curve steepened)
        {{ feature_round('zt_log_return_21d - zn_log_return_21d') }}
            as zt_minus_zn_log_return_21d,
        {{ rolling_zscore('zn_adj_close_price', 252) }} as zn_adj_close_zscore_252d,

        -- FRED: fed funds effective and target (upper bound), Treasury yields, percent
        fed_funds_effective_pct,
        fed_funds_target_upper_pct,
        {{ feature_round('fed_funds_effective_pct - fed_funds_target_upper_pct') }}
            as fed_funds_effective_minus_target_upper_pp,
        ust_2y_yield_pct,
        ust_10y_yield_pct,
        ust_10y_minus_2y_pp,

        -- FRED: changes over 21 and 63 sessions, percentage points
        {%- for level in ['fed_funds_effective', 'ust_2y_yield', 'ust_10y_yield'] %}
            {{ feature_round(
                level ~ '_pct - lag(' ~ level ~ '_pct, 21) over (order by trade_date)'
            ) }} as {{ level }}_change_21d_pp,
        {%- endfor %}
        {{ feature_round(
            'ust_10y_minus_2y_pp - lag(ust_10y_minus_2y_pp, 21) over (order by trade_date)'
        ) }} as ust_10y_minus_2y_change_21d_pp,
        {{ feature_round(
            'fed_funds_target_upper_pct - lag(fed_funds_target_upper_pct, 63) over (order by trade_date)'
        ) }} as fed_funds_target_upper_change_63d_pp,

        -- provenance
        greatest(zq_age_days, zt_age_days, zn_age_days) as rates_inputs_max_age_days,
        fred_rates_max_age_days,
        greatest(zq_available_at, zt_available_at, zn_available_at, fred_rates_available_at)
            as available_at

    from with_fred

)

select * from features
