{#- Point-in-time EPA RIN generation per ZL trading day, from the newest vintage public by the
    end of the trade date. Year-to-date growth compares the vintage's own RIN year so far with
    the year before over the same months, as the vintage twelve months earlier stated it (so
    both sides were public then, and revisions of the later year never leak into the base).
    A vintage more than max_age_days after the start of its month is null (macro
    latest_public_period). -#}
{#- days from the first day of the vintage month: its data month plus 100 days -#}
{%- set max_age_days = 130 -%}

with

generation as (

    select * from {{ ref('stg_epa_rin__rin_generation') }}
    where d_code in ('D4', 'D6')

),

year_to_date as (

    select
        current_vintage.vintage_month,
        current_vintage.d_code,
        current_vintage.total_rins as ytd_rins,
        prior_vintage.total_rins as prior_year_ytd_rins,
        current_vintage.available_at,
        current_vintage.known_from,
        current_vintage.known_until
    from generation as current_vintage
    left join generation as prior_vintage
        on
            current_vintage.d_code = prior_vintage.d_code
            and prior_vintage.vintage_month = current_vintage.vintage_month - interval 12 month
            and prior_vintage.rin_year = current_vintage.rin_year - 1
            and current_vintage.known_from = prior_vintage.known_from
    where current_vintage.rin_year = year(current_vintage.vintage_month)

),

vintages as (

    select
        vintage_month,
        any_value(ytd_rins) filter (where d_code = 'D4') as d4_ytd_rins,
        any_value(prior_year_ytd_rins) filter (where d_code = 'D4') as d4_prior_year_ytd_rins,
        any_value(ytd_rins) filter (where d_code = 'D6') as d6_ytd_rins,
        any_value(prior_year_ytd_rins) filter (where d_code = 'D6') as d6_prior_year_ytd_rins,
        max(available_at) as available_at,
        known_from,
        known_until
    from year_to_date
    group by vintage_month, known_from, known_until

),

latest_public_vintage as (

    {{ latest_public_period('vintages', 'vintage_month', max_age_days, vintaged=true) }}

),

final as (

    select
        -- key
        latest_public_vintage.trade_date,

        -- the vintage used
        vintages.vintage_month as rin_generation_vintage_month,

        -- RIN-year-to-date generation, millions of RINs, and its growth on a year earlier
        {{ feature_round('vintages.d4_ytd_rins / 1e6') }} as d4_rin_generation_ytd_million_rins,
        {{ feature_round('vintages.d6_ytd_rins / 1e6') }} as d6_rin_generation_ytd_million_rins,
        {{ feature_round('100 * (vintages.d4_ytd_rins / vintages.d4_prior_year_ytd_rins - 1)') }}
            as d4_rin_generation_ytd_yoy_pct,
        {{ feature_round('100 * (vintages.d6_ytd_rins / vintages.d6_prior_year_ytd_rins - 1)') }}
            as d6_rin_generation_ytd_yoy_pct,

        -- when the vintage used became public
        vintages.available_at as rin_generation_available_at

    from latest_public_vintage
    left join vintages
        on
            latest_public_vintage.vintage_month = vintages.vintage_month
            and latest_public_vintage.known_from = vintages.known_from

)

select * from final
