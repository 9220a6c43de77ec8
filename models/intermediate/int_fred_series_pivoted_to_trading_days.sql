{#- One row per trade date: int_fred_observations_joined_asof turned wide, one block per series
    the feature marts use, named <series id in lower case>_<column>. A series listed here must
    have a bucket in seed fred_series (only those are joined as of). -#}
{%- set fred_series = [
    'DFF', 'DFEDTARU', 'DGS2', 'DGS10', 'T10Y2Y', 'DTWEXBGS', 'DEXBZUS', 'DEXCHUS', 'VIXCLS'
] -%}
{%- set series_columns = [] -%}
{%- for series_id in fred_series -%}
    {%- for column in ['value', 'available_at', 'age_days'] -%}
        {%- do series_columns.append(
            'any_value(observations.' ~ column ~ ") filter (where observations.series_id = '"
            ~ series_id ~ "') as " ~ series_id | lower ~ '_' ~ column
        ) -%}
    {%- endfor -%}
{%- endfor %}

with

observations as (

    select * from {{ ref('int_fred_observations_joined_asof') }}

),

trading_days as (

    select * from {{ ref('int_trading_days_enumerated') }}

),

pivoted as (

    select
        trading_days.trade_date,
        {{ series_columns | join(',\n        ') }}
    from trading_days
    left join observations on trading_days.trade_date = observations.trade_date
    group by trading_days.trade_date

)

select * from pivoted
