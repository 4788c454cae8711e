-- CONV-2: the products invoicing already had become knowledge the website assistant answers from,
-- worded as manage-products.ts `productKnowledge` words them (new and changed products are written
-- by invoicing's product use cases from now on). The knowledge index job picks them up on its next run.
INSERT INTO knowledge_entries (workspace_id, id, kind, product_id, title, body)
SELECT p.workspace_id, gen_random_uuid(), 'product', p.id, p.name,
  p.name || ' (SKU ' || p.sku || ') is ' || CASE WHEN p.hsn LIKE '99%' THEN 'a service we offer' ELSE 'a product we sell' END || '. ' ||
  CASE WHEN p.price_paise > 0 THEN
    'Price: ₹' ||
    CASE WHEN length((p.price_paise / 100)::text) > 3
      THEN regexp_replace(left((p.price_paise / 100)::text, -3), '(\d)(?=(\d\d)+$)', '\1,', 'g') || ','
      ELSE '' END ||
    right((p.price_paise / 100)::text, 3) || '.' || lpad((p.price_paise % 100)::text, 2, '0') || ' each, ' ||
    CASE WHEN p.rate_bps = 0 THEN 'no GST'
      WHEN p.price_includes_tax THEN 'GST of ' || trim_scale(p.rate_bps / 100.0)::text || '% included'
      ELSE 'plus GST of ' || trim_scale(p.rate_bps / 100.0)::text || '%' END || '.'
  ELSE 'Its price is not listed: a person from the team will tell you.' END
FROM products p
ON CONFLICT DO NOTHING;
