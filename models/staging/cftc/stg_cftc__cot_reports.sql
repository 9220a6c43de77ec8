{#- COT reports, renamed; positions in contracts. -#}
{%- set positions = [
    'producer_merchant_long', 'producer_merchant_short', 'swap_long', 'swap_short',
    'swap_spread', 'managed_money_long', 'managed_money_short', 'managed_money_spread',
    'other_reportable_long', 'other_reportable_short', 'other_reportable_spread',
    'total_reportable_long', 'total_reportable_short', 'nonreportable_long',
    'nonreportable_short', 'noncommercial_long', 'noncommercial_short',
    'noncommercial_spread', 'commercial_long', 'commercial_short'
] -%}

with

source as (

    {{ vintage_states('cftc', 'cftc_cot') }}

),

renamed as (

    select
        -- keys
        report_type,
        futures_only,
        market_code,
        as_of_date,

        -- publication
        available_at,

        -- market and positions, contracts
        market_name,
        open_interest as open_interest_contracts,
        {%- for position in positions %}
            {{ position }} as {{ position }}_contracts,
        {%- endfor %}

        -- metadata
        source as load_source,
        loaded_at,

        -- knowledge state (macro vintage_states)
        known_from,
        known_until

    from source

)

select * from renamed
