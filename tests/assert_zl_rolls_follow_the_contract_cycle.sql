{#- Each ZL roll's inferred entering contract month (int_zl_rolls_carried, seed
    zl_contract_cycle) should be the month the next roll is inferred to leave. Returns the
    rolls where it is not: the front month went through a thin contract (August to October)
    or rolled twice within days. 9 of the 82 rolls of 2010-2024 break it (known, a warning);
    more fails, as a change of the cycle or of the roll rule would. -#}
{{ config(severity='error', warn_if='>0', error_if='>9') }}

with

rolls as (

    select
        trade_date,
        entering_contract_month,
        lead(leaving_contract_month) over (order by trade_date) as next_leaving_contract_month
    from {{ ref('int_zl_rolls_carried') }}

)

select *
from rolls
where
    next_leaving_contract_month is not null
    and next_leaving_contract_month <> entering_contract_month
