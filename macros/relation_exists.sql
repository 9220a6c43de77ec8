{#- Whether a table or view exists in the target database. Used where an optional source
    may not have been landed yet: a missing relation means "not covered", not an error.
    At parse time (execute is false) it answers false, which only affects compiled text. -#}
{% macro relation_exists(schema_name, identifier) -%}
    {%- if not execute -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set relation = adapter.get_relation(
        database=target.database, schema=schema_name, identifier=identifier
    ) -%}
    {{ return(relation is not none) }}
{%- endmacro %}
