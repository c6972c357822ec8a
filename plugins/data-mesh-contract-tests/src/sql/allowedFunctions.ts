/**
 * The functions a quality rule's SQL may call, in either dialect: aggregates and pure
 * functions of their arguments. Anything else (reading files or settings, sleeping, writing,
 * calling out) is refused before the rule runs; a name missing in one dialect just fails there.
 */
// prettier-ignore
export const ALLOWED_FUNCTIONS: ReadonlySet<string> = new Set([
  // aggregates
  'count', 'count_star', 'sum', 'avg', 'mean', 'min', 'max', 'median', 'mode',
  'stddev', 'stddev_pop', 'stddev_samp', 'variance', 'var_pop', 'var_samp',
  'bool_and', 'bool_or', 'every', 'any_value', 'first', 'last', 'arg_min',
  'arg_max', 'argmin', 'argmax', 'min_by', 'max_by', 'approx_count_distinct',
  'quantile', 'quantile_cont', 'quantile_disc', 'percentile_cont',
  'percentile_disc', 'corr', 'covar_pop', 'covar_samp', 'string_agg', 'listagg',
  'bit_and', 'bit_or', 'entropy', 'kurtosis', 'skewness', 'product', 'fsum',
  'count_if', 'countif', 'sum_no_overflow',
  // window
  'row_number', 'rank', 'dense_rank', 'percent_rank', 'cume_dist', 'ntile',
  'lag', 'lead', 'first_value', 'last_value', 'nth_value',
  // numbers
  'abs', 'ceil', 'ceiling', 'floor', 'round', 'trunc', 'sign', 'sqrt', 'cbrt',
  'power', 'pow', 'exp', 'ln', 'log', 'log2', 'log10', 'mod', 'div',
  'greatest', 'least', 'isnan', 'isinf', 'isfinite', 'width_bucket',
  'to_number', 'even', 'gcd', 'lcm', 'pi', 'degrees', 'radians',
  // strings
  'length', 'char_length', 'character_length', 'octet_length', 'bit_length',
  'strlen', 'len', 'lower', 'upper', 'lcase', 'ucase', 'initcap', 'trim',
  'ltrim', 'rtrim', 'btrim', 'substr', 'substring', 'left', 'right', 'replace',
  'translate', 'concat', 'concat_ws', 'position', 'strpos', 'instr',
  'starts_with', 'ends_with', 'suffix', 'prefix', 'contains', 'split_part',
  'lpad', 'rpad', 'repeat', 'reverse', 'ascii', 'chr', 'format', 'to_char',
  'regexp_matches', 'regexp_full_match', 'regexp_replace', 'regexp_like',
  'regexp_extract', 'regexp_count', 'regexp_substr', 'regexp_split_to_array',
  'regexp_match', 'like_escape', 'ilike_escape', 'md5', 'sha256', 'hash',
  'nullif', 'coalesce', 'ifnull', 'nvl', 'if', 'iif', 'typeof', 'quote_ident',
  'quote_literal', 'string_split', 'str_split', 'array_length', 'cardinality',
  'array_to_string', 'unnest', 'try_cast', 'to_json', 'json_valid',
  'json_extract', 'json_extract_string', 'jsonb_typeof', 'json_typeof',
  'is_histogram_other_bin',
  // dates and times
  'now', 'current_date', 'current_timestamp', 'current_time', 'localtimestamp',
  'localtime', 'today', 'transaction_timestamp', 'statement_timestamp',
  'date_trunc', 'date_part', 'datepart', 'extract', 'date_diff', 'datediff',
  'date_sub', 'date_add', 'age', 'epoch', 'epoch_ms', 'epoch_us', 'to_date',
  'to_timestamp', 'make_date', 'make_time', 'make_timestamp', 'make_interval',
  'justify_days', 'justify_hours', 'justify_interval', 'year', 'month', 'day',
  'hour', 'minute', 'second', 'dayofweek', 'dayofyear', 'week', 'weekday',
  'quarter', 'isodow', 'isoyear', 'last_day', 'strftime', 'strptime',
  'try_strptime', 'to_days', 'to_hours', 'to_minutes', 'to_seconds',
  'to_months', 'to_years', 'to_weeks', 'date_bin', 'time_bucket', 'timezone',
]);
