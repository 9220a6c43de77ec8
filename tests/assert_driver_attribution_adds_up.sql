-- zl_driver_attribution: on every as-of date and window, the buckets' contributions plus
-- `unexplained` equal the actual move to 0.01 c/lb, and every window has its eight buckets
-- and one remainder. Rows returned are failures.
select
    as_of_date,
    move_window,
    count(*) as bucket_rows,
    sum(contribution_cents_per_lb) as contributions_cents_per_lb,
    any_value(actual_move_cents_per_lb) as actual_move_cents_per_lb
from {{ ref('zl_driver_attribution') }}
group by as_of_date, move_window
having
    count(*) <> 9
    or count(*) filter (where bucket = 'unexplained') <> 1
    or abs(sum(contribution_cents_per_lb) - any_value(actual_move_cents_per_lb)) > 0.01
