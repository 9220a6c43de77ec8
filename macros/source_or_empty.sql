{#- The rows of an optional source table, or an empty relation with its columns when the table
    has not been landed yet (e.g. Databento daily bars or ZL options, offline). `columns` is a
    list of [name, type] pairs: the raw table's schema, as the extractor creates it. -#}
{% macro source_or_empty(source_name, table_name, columns) -%}
    {%- set relation = source(source_name, table_name) -%}
    {%- if relation_exists(relation.schema, relation.identifier) -%}
        select * from {{ relation }}
    {%- else -%}
        select
        {%- for name, type in columns %}
            cast(null as {{ type }}) as {{ name }}{{ "," if not loop.last }}
        {%- endfor %}
        where false
    {%- endif -%}
{%- endmacro %}
