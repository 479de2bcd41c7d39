-- tus concatenation: a spent partial upload names the final upload its segments went to, so a final POST that is
-- retried after a crash (the move committed, the answer lost) finds that upload again instead of failing.
ALTER TABLE uploads ADD COLUMN concatenated_into BIGINT;
