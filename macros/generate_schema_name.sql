{#- Schemas are named for what they hold (raw, staging, marts, training, forecasts),
    not prefixed with the target schema, so every tool sees the same table names. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
