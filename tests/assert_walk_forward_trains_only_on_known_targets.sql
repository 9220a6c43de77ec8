{#- Walk-forward, proven on what actually ran. One row per violation:
    1. model_registry: each fit's training rows, as measured when it was fitted (latest target
       date train_target_end, latest as-of date train_end), end on or before its cutoff.
    2. Every prediction of a fitted model (L0 buckets, GBM baselines, the time-series member,
       L1 once it has a fit) names a fit of the registry and carries that fit's cutoff; its
       as-of date is after the fit's cutoff and on or after the latest target date the fit
       measurably learned from.
    3. Yardsticks (fold -1, no fit) learn from the h-day returns realised by each date by
       shifting one horizon's rows by h (cbi.training.members.yardsticks); that is right only
       if every row's target date is the trade date h rows later in zl_targets, checked here.
    4. zl_backtest: a model member (not a yardstick) has an L2 weight, or a band other than
       its own prediction's, on as-of date d only when at least 2 x h of its predictions had
       their outcome by d (target_date <= d): the least any weight or recalibration needs
       (cbi.training.evidence.track_record).
    That L2 weights and bands at d do not move when later outcomes do is tested by
    perturbation in pytests/training/test_ensemble.py. -#}
{%- set yardsticks = "('rw_empirical', 'rw_vol')" -%}

with

registry as (

    select * from {{ ref('model_registry') }}

),

fits_past_cutoff as (

    select
        'model_registry' as checked_table,
        fit_id,
        member,
        cast(null as date) as as_of_date,
        cutoff,
        coalesce(train_target_end, train_end) as offending_date
    from registry
    where
        train_target_end is null
        or train_target_end > cutoff
        or train_end > cutoff

),

model_predictions as (

    {% for table, member in [
        ('bucket_predictions', "'bucket_' || bucket"),
        ('member_predictions', 'member'),
        ('ts_predictions', 'member'),
        ('meta_predictions', 'member'),
    ] -%}
        select
            '{{ table }}' as checked_table,
            fit_id,
            {{ member }} as member,
            horizon,
            as_of_date,
            target_date,
            cutoff,
            p10,
            p90
        from {{ ref(table) }}
        {%- if not loop.last %}
            union all
        {% endif %}
    {%- endfor %}

),

fitted_predictions as (

    select * from model_predictions
    where
        member not in {{ yardsticks }}
        -- an L1 fold before any L0 outcome was known weighs the buckets equally: no fit
        and not (checked_table = 'meta_predictions' and fit_id is null)

),

predictions_not_after_their_fit as (

    select
        fitted_predictions.checked_table,
        fitted_predictions.fit_id,
        fitted_predictions.member,
        fitted_predictions.as_of_date,
        registry.cutoff,
        fitted_predictions.as_of_date as offending_date
    from fitted_predictions
    left join registry on fitted_predictions.fit_id = registry.fit_id
    where
        registry.fit_id is null
        or fitted_predictions.cutoff is distinct from registry.cutoff
        or fitted_predictions.as_of_date <= registry.cutoff
        or fitted_predictions.as_of_date < registry.train_target_end

),

targets_in_order as (

    select
        trade_date,
        target_date,
        lead(trade_date, horizon_days) over (
            partition by horizon order by trade_date
        ) as trade_date_h_rows_later
    from {{ ref('zl_targets') }}

),

yardstick_shift_misaligned as (

    select
        'zl_targets' as checked_table,
        cast(null as varchar) as fit_id,
        'rw_empirical, rw_vol' as member,
        trade_date as as_of_date,
        cast(null as date) as cutoff,
        target_date as offending_date
    from targets_in_order
    where target_date is not null and target_date is distinct from trade_date_h_rows_later

),

member_rows as (

    -- the L2 pool's model members: GBM baselines, the time-series member, L1
    select * from model_predictions
    where checked_table != 'bucket_predictions' and member not in {{ yardsticks }}

),

weighted_or_recalibrated as (

    select
        backtest.member,
        backtest.horizon,
        backtest.as_of_date,
        horizons.trading_days as horizon_days
    from {{ ref('zl_backtest') }} as backtest
    inner join member_rows
        on
            backtest.member = member_rows.member
            and backtest.horizon = member_rows.horizon
            and backtest.as_of_date = member_rows.as_of_date
    inner join {{ ref('horizons') }} as horizons on backtest.horizon = horizons.horizon
    where
        backtest.l2_weight > 0
        or abs(backtest.p10 - backtest.close * exp(member_rows.p10)) > 1e-9 * backtest.close
        or abs(backtest.p90 - backtest.close * exp(member_rows.p90)) > 1e-9 * backtest.close

),

evidence as (

    select
        weighted_or_recalibrated.member,
        weighted_or_recalibrated.horizon,
        weighted_or_recalibrated.as_of_date,
        weighted_or_recalibrated.horizon_days,
        count(member_rows.target_date) as realised_predictions
    from weighted_or_recalibrated
    left join member_rows
        on
            weighted_or_recalibrated.member = member_rows.member
            and weighted_or_recalibrated.horizon = member_rows.horizon
            and weighted_or_recalibrated.as_of_date >= member_rows.target_date
    group by all

),

weighted_without_evidence as (

    select
        'zl_backtest' as checked_table,
        cast(null as varchar) as fit_id,
        member,
        as_of_date,
        cast(null as date) as cutoff,
        as_of_date as offending_date
    from evidence
    where realised_predictions < 2 * horizon_days

),

violations as (

    select * from fits_past_cutoff
    union all
    select * from predictions_not_after_their_fit
    union all
    select * from yardstick_shift_misaligned
    union all
    select * from weighted_without_evidence

)

select * from violations
