{#- Pinball (quantile) loss of `predicted` as quantile `q` of `actual`: q x (actual - predicted)
    when the outcome is above, (1 - q) x (predicted - actual) when below. The same loss the
    walk-forward record uses (cbi.training.metrics). -#}
{% macro pinball_loss(actual, predicted, q) -%}
    greatest({{ q }} * ({{ actual }} - {{ predicted }}), ({{ q }} - 1) * ({{ actual }} - {{ predicted }}))
{%- endmacro %}
