{#- Every Crush row from 2011 on carries U.S. soybean oil stocks-to-use from a WASDE released
    within 45 days before the end of its trade date, except while USDA published no report:
    from the first day of a month it skipped (October 2013 and January 2019, both federal
    government shutdowns) to the next release. Returns the rows that break it. -#}
{%- set max_age_days = 45 -%}
with

skipped_reports as (

    select cast(skipped.report_month as date) as report_month
    from (values ('2013-10-01'), ('2019-01-01')) as skipped (report_month)

),

exempt as (

    select
        skipped_reports.report_month as exempt_from,
        min(estimates.release_date) as exempt_until
    from skipped_reports
    inner join {{ ref('stg_usda_wasde__estimates') }} as estimates
        on skipped_reports.report_month < estimates.report_month
    group by skipped_reports.report_month

),

crush as (

    select
        trade_date,
        us_soybean_oil_stocks_to_use_pct,
        wasde_available_at
    from {{ ref('feat_crush_daily') }}
    where trade_date >= date '2011-01-01'

)

select crush.*
from crush
where
    (
        crush.us_soybean_oil_stocks_to_use_pct is null
        or crush.wasde_available_at is null
        or crush.trade_date
        - cast(timezone('America/New_York', crush.wasde_available_at) as date)
        > {{ max_age_days }}
    )
    and not exists (
        select 1
        from exempt
        where crush.trade_date >= exempt.exempt_from and crush.trade_date < exempt.exempt_until
    )
