{%- set energies = ['cl', 'ho', 'rb'] -%}

with

panel as (

    select * from {{ ref('int_futures_sessions_pivoted_to_trading_days') }}

),

diesel as (

    select * from {{ ref('int_diesel_retail_prices_joined_asof') }}

),

cracks as (

    select
        panel.*,
        (2 * panel.rb_close_price * 42 + panel.ho_close_price * 42 - 3 * panel.cl_close_price)
        / 3 as crack_321_usd_per_bbl,
        diesel.diesel_retail_usd_per_gal,
        diesel.diesel_retail_change_4w_usd_per_gal,
        diesel.diesel_retail_age_days,
        diesel.diesel_retail_available_at
    from panel
    left join diesel on panel.trade_date = diesel.trade_date

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

        -- EIA weekly U.S. No 2 diesel retail price incl. taxes, $/gal, and its margin over HO
        diesel_retail_usd_per_gal,
        {{ feature_round('diesel_retail_change_4w_usd_per_gal') }}
            as diesel_retail_change_4w_usd_per_gal,
        {{ feature_round('diesel_retail_usd_per_gal - ho_close_price') }}
            as diesel_retail_minus_ho_usd_per_gal,
        diesel_retail_age_days,

        -- provenance
        greatest(cl_age_days, ho_age_days, rb_age_days) as energy_inputs_max_age_days,
        greatest(
            zl_available_at,
            cl_available_at,
            ho_available_at,
            rb_available_at,
            diesel_retail_available_at
        ) as available_at

    from cracks

)

select * from features
