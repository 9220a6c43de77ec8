"""The drivers a buyer reads: what moved the price (attribution), where each bucket stands
(headline indicators) and what the model uses (L1 bucket pushes); `cbi drivers` prints them."""
