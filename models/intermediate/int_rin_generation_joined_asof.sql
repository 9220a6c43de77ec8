{#- Point-in-time EPA RIN generation per ZL trading day, from the newest vintage public by the
    end of the trade date. Year-to-date growth compares the vintage's own RIN year so far with
    the year before over the same months, as the vintage twelve months earlier stated it (so
    both sides were public then, and revisions of the later year never leak into the base).
    A vintage whose month ended more than max_age_days before the trade date is null. -#}
{%- set max_age_days = 100 -%}

with

trading_days as (

    select * from {{ ref('int_trading_days_enumerated') }}

),

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
        current_vintage.available_at
    from generation as current_vintage
    left join generation as prior_vintage
        on
            current_vintage.d_code = prior_vintage.d_code
            and prior_vintage.vintage_month = current_vintage.vintage_month - interval 12 month
            and prior_vintage.rin_year = current_vintage.rin_year - 1
    where current_vintage.rin_year = year(current_vintage.vintage_month)

),

vintages as (

    select
        vintage_month,
        any_value(ytd_rins) filter (where d_code = 'D4') as d4_ytd_rins,
        any_value(prior_year_ytd_rins) filter (where d_code = 'D4') as d4_prior_year_ytd_rins,
        any_value(ytd_rins) filter (where d_code = 'D6') as d6_ytd_rins,
        any_value(prior_year_ytd_rins) filter (where d_code = 'D6') as d6_prior_year_ytd_rins,
        max(available_at) as available_at
    from year_to_date
    group by vintage_month

),

latest_public_vintage as (

    select
        trading_days.trade_date,
        date_diff('day', vintages.vintage_month + interval 1 month, trading_days.trade_date)
        <= {{ max_age_days }} as is_recent,
        vintages.vintage_month,
        vintages.d4_ytd_rins,
        vintages.d4_prior_year_ytd_rins,
        vintages.d6_ytd_rins,
        vintages.d6_prior_year_ytd_rins,
        vintages.available_at
    from trading_days
    asof left join vintages
        on trading_days.trade_date_end_at >= vintages.available_at

),

final as (

    select
        -- key
        trade_date,

        -- the vintage used
        case when is_recent then vintage_month end as rin_generation_vintage_month,

        -- RIN-year-to-date generation, millions of RINs, and its growth on a year earlier
        case
            when is_recent then {{ feature_round('d4_ytd_rins / 1e6') }}
        end as d4_rin_generation_ytd_million_rins,
        case
            when is_recent then {{ feature_round('d6_ytd_rins / 1e6') }}
        end as d6_rin_generation_ytd_million_rins,
        case
            when is_recent
                then {{ feature_round('100 * (d4_ytd_rins / d4_prior_year_ytd_rins - 1)') }}
        end as d4_rin_generation_ytd_yoy_pct,
        case
            when is_recent
                then {{ feature_round('100 * (d6_ytd_rins / d6_prior_year_ytd_rins - 1)') }}
        end as d6_rin_generation_ytd_yoy_pct,

        -- when the vintage used became public
        case when is_recent then available_at end as rin_generation_available_at

    from latest_public_vintage

)

select * from final
