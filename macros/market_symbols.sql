{#- The continuous futures the feature layer uses, with the column prefix each gets in the
    wide panel. Prefixes say what the contract is (brl = 6L, US dollars per Brazilian real).
    Only symbols in the offline snapshot are listed: a feature on a symbol never ingested
    would be always null. Override with var market_symbols (a mapping symbol -> prefix). -#}
{% macro market_symbols() -%}
    {{ return(var('market_symbols', {
        'ZL.v.0': 'zl',
        'ZS.v.0': 'zs',
        'ZM.v.0': 'zm',
        'HG.v.0': 'hg',
        '6L.v.0': 'brl',
        '6E.v.0': 'eur',
        '6J.v.0': 'jpy',
        'ZQ.v.0': 'zq',
        'ZT.v.0': 'zt',
        'ZN.v.0': 'zn',
        'CL.v.0': 'cl',
        'HO.v.0': 'ho',
        'RB.v.0': 'rb',
    })) }}
{%- endmacro %}
