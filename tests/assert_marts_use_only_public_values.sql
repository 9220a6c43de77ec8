{#- No look-ahead: every feature row's available_at (the latest publication instant of any
    input it uses) is at or before the end of its trade date (17:00 America/Chicago), and so
    is the publication instant each point-in-time join of a fundamental source picked for
    that trade date (checked on its own, so a mart that drops it from available_at is still
    caught). Returns one row per offending row; a null instant (no source yet) has nothing
    to check. -#}
{%- set feature_marts = [
    'feat_core_daily', 'feat_crush_daily', 'feat_china_daily', 'feat_fx_daily',
    'feat_fed_daily', 'feat_tariff_daily', 'feat_biofuel_daily', 'feat_energy_daily',
    'feat_volatility_daily', 'feat_news_buckets_daily'
] -%}
{%- set asof_joins = [
    ('int_export_sales_joined_asof', 'export_sales_available_at'),
    ('int_wasde_estimates_joined_asof', 'wasde_available_at'),
    ('int_nopa_crush_joined_asof', 'nopa_available_at'),
] -%}

with

feature_rows as (

    {% for mart in feature_marts -%}
        select
            '{{ mart }}' as mart,
            trade_date,
            available_at
        from {{ ref(mart) }}
        union all
    {% endfor -%}
    {% for model, column in asof_joins -%}
        select
            '{{ model }}' as mart,
            trade_date,
            {{ column }} as available_at
        from {{ ref(model) }}
        {%- if not loop.last %}
            union all
        {% endif %}
    {%- endfor %}

),

late_values as (

    select
        mart,
        trade_date,
        available_at,
        {{ cme_trade_date_end_at('trade_date') }} as trade_date_end_at
    from feature_rows
    where available_at > {{ cme_trade_date_end_at('trade_date') }}

)

select * from late_values
