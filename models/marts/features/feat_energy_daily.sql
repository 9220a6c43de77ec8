{%- set energies = ['cl', 'ho', 'rb'] -%}

with

panel as (

    select * from {{ ref('int_futures_sessions_pivoted_to_trading_days') }}

),

cracks as (

    select
        *,
        (2 * rb_close_price * 42 + ho_close_price * 42 - 3 * cl_close_price) / 3
            as crack_321_usd_per_bbl
    from panel

),

features as (

    select
        -- key
        trade_date,

        -- levels: CL $/bbl, HO and RB $/gal
        cl_close_price as cl_close_usd_per_bbl,
        ho_close_price as ho_close_usd_per_gal,
        rb_close_price as rb_close_usd_per_gal,
        {%- for energy in energies %}

        -- {{ energy | upper }} roll-free returns
            {{ feature_round(energy ~ '_log_return_1d_roll_free') }} as {{ energy }}_log_return_1d,
            {{ log_return_over_window(energy ~ '_adj_close_price', 5) }} as {{ energy }}_log_return_5d,
            {{ log_return_over_window(energy ~ '_adj_close_price', 21) }}
                as {{ energy }}_log_return_21d,
        {%- endfor %}

        -- 3-2-1 crack spread
        {{ feature_round('crack_321_usd_per_bbl') }} as crack_321_usd_per_bbl,
        {{ rolling_zscore('crack_321_usd_per_bbl', 252) }} as crack_321_zscore_252d,

        -- soybean oil vs crude
        {{ rolling_correlation('zl_log_return_1d_roll_free', 'cl_log_return_1d_roll_free', 63) }}
            as zl_cl_return_correlation_63d,
        {{ rolling_beta('zl_log_return_1d_roll_free', 'cl_log_return_1d_roll_free', 63) }}
            as zl_cl_return_beta_63d,

        -- provenance
        greatest(cl_age_days, ho_age_days, rb_age_days) as energy_inputs_max_age_days,
        greatest(zl_available_at, cl_available_at, ho_available_at, rb_available_at)
            as available_at

    from cracks

)

select * from features
