{{
    config(
        materialized='incremental',
        unique_key=['as_of_date', 'horizon'],
        incremental_strategy='delete+insert',
        full_refresh=false
    )
}}

with

live_forecast as (

    select * from {{ ref('zl_predictions') }}

)

select
    as_of_date,
    horizon,
    target_date,
    p10,
    p50,
    p90,
    close_cents_per_lb,
    model_version,
    current_timestamp as logged_at
from live_forecast
