{#- Fails on every combination of `columns` that occurs more than once (a compound key). -#}
{% test unique_combination(model, columns) %}

with

keys as (

    select {{ columns | join(', ') }}, count(*) as occurrences
    from {{ model }}
    group by {{ columns | join(', ') }}

)

select * from keys
where occurrences > 1

{% endtest %}
