{#- One row per roll of the ZL front month (ZL.v.0) into a contract it did not hold in the 45
    days before: the calendar spread between the contract it leaves and the one it enters, per
    month of maturity gap and annualised. Prices from the real hourly bars: the entering
    contract's first hourly open in the roll session against the leaving contract's last
    hourly close, in the roll session itself where its bars are there (2010 to 2013, when the
    evening session began before midnight UTC, where Databento's continuous mapping switches),
    else the close of the session before (from 2013 the session opens at 19:00 CT = 00:00 or
    01:00 UTC, so a roll session holds the new contract only): the spread then also holds the
    move over the break between the two sessions. A return to a contract held in the 45 days
    before (the volume lead flipping for a few days; Databento instrument ids are reused years
    later) is no new roll and is left out.

    The bars carry instrument ids, not contract months, so the months are inferred: the leaving
    contract is the first ZL month (seed zl_contract_cycle) whose last trading day (the
    business day before the 15th; the 14th is used) is after the roll session, and the
    entering one is the month the front rolls into from it (next_front_month, the volume cycle
    F-H-K-N-Z). Positive carry = contango (the deferred contract dearer), negative =
    backwardation. A full curve needs the deferred contracts (ZL.c.1..ZL.c.6, or the parent
    ZL.FUT), which the bundled data does not hold. -#}
{%- set last_trading_day = 14 -%}
{#- an instrument that was front within this many days is a flip back, not a new contract
    (Databento instrument ids are reused years later) -#}
{%- set flip_days = 45 -%}

with

zl_sessions as (

    select * from {{ ref('int_futures_sessions_aggregated') }}
    where symbol = 'ZL.v.0'

),

cycle as (

    select * from {{ ref('zl_contract_cycle') }}

),

held_before as (

    select
        *,
        lag(instrument_id) over by_date as previous_instrument_id,
        lag(close_price) over by_date as previous_close_price,
        lag(trade_date) over (partition by instrument_id order by trade_date)
            as last_front_date
    from zl_sessions
    window by_date as (order by trade_date)

),

rolls as (

    select
        trade_date,
        previous_instrument_id as leaving_instrument_id,
        instrument_id as entering_instrument_id,
        coalesce(prior_contract_instrument_id = previous_instrument_id, false)
            as leaving_priced_in_roll_session,
        case
            when prior_contract_instrument_id = previous_instrument_id
                then prior_contract_close_price
            else previous_close_price
        end as leaving_price,
        open_price as entering_price,
        available_at
    from held_before
    where
        previous_instrument_id is not null
        and instrument_id <> previous_instrument_id
        and (
            last_front_date is null
            or last_front_date < trade_date - interval {{ flip_days }} day
        )

),

leaving_month as (

    -- the first listed month (this year or next) whose last trading day is after the roll
    select
        rolls.trade_date,
        min(
            make_date(year(rolls.trade_date) + years.year_offset, cycle.contract_month, 1)
        ) as leaving_contract_month
    from rolls
    cross join cycle
    cross join (values (0), (1)) as years (year_offset)
    where
        make_date(
            year(rolls.trade_date) + years.year_offset, cycle.contract_month, {{ last_trading_day }}
        )
        > rolls.trade_date
    group by rolls.trade_date

),

months as (

    select
        rolls.*,
        leaving_month.leaving_contract_month,
        make_date(
            year(leaving_month.leaving_contract_month)
            + case when cycle.next_front_month < cycle.contract_month then 1 else 0 end,
            cycle.next_front_month,
            1
        ) as entering_contract_month
    from rolls
    inner join leaving_month on rolls.trade_date = leaving_month.trade_date
    inner join cycle on month(leaving_month.leaving_contract_month) = cycle.contract_month

),

final as (

    select
        -- key: the roll session
        trade_date,

        -- the two contracts (inferred months)
        leaving_instrument_id,
        entering_instrument_id,
        leaving_priced_in_roll_session,
        leaving_contract_month,
        entering_contract_month,
        date_diff('month', leaving_contract_month, entering_contract_month)
            as maturity_gap_months,

        -- prices at the switch, cents/lb, and the spread
        leaving_price as leaving_price_cents_per_lb,
        entering_price as entering_price_cents_per_lb,
        {{ feature_round('entering_price - leaving_price') }} as calendar_spread_cents_per_lb,
        {{ feature_round(
            '100 * ln(entering_price / leaving_price)'
            ~ " / date_diff('month', leaving_contract_month, entering_contract_month)"
        ) }} as carry_pct_per_month,
        {{ feature_round(
            '1200 * ln(entering_price / leaving_price)'
            ~ " / date_diff('month', leaving_contract_month, entering_contract_month)"
        ) }} as carry_annualised_pct,

        -- public at the end of the roll session
        available_at

    from months

)

select * from final
