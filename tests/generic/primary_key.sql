{#- A primary key: the combination of `columns` is unique AND none of them is null. Fails with
    one row per offending key value: a combination that occurs more than once, or any row
    where a key column is null (grouped, with its count). Use it on every model and seed:
        data_tests:
          - primary_key:
              arguments:
                columns: [symbol, trade_date] -#}
{% test primary_key(model, columns) %}

with

keys as (

    select
        {{ columns | join(',\n        ') }},
        count(*) as occurrences
    from {{ model }}
    group by {{ columns | join(', ') }}

)

select * from keys
where
    occurrences > 1
    {%- for column in columns %}
    or {{ column }} is null
    {%- endfor %}

{% endtest %}
