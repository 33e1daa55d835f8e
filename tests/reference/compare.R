# Reference values for tests/analysis/test_compare.py.
#
# Run from the repository root:
#     Rscript tests/reference/compare.R
# Reads tests/reference/stats_scores.csv (written by make_stats_data.R) and writes
# tests/reference/compare_expected.json. R 4.2, base R only (plus jsonlite to write JSON).
#
# Per wave, scale and site with at least 5 respondents (min_n = 5; smaller sites are
# suppressed and their mean is never computed):
#   site mean and t interval            t.test(x)$conf.int
#   benchmark = respondents of all other sites; difference (site - benchmark), interval,
#   t, df, p                            t.test(x, others)   (Welch, var.equal = FALSE)
#   mean of the other unsuppressed site means, the site's percentile among them (ties half)
#   funnel limits                       pool mean +- qnorm(0.975 / 0.999) * pool sd / sqrt(n)

suppressPackageStartupMessages(library(jsonlite))

here <- "tests/reference"
scores <- read.csv(file.path(here, "stats_scores.csv"), stringsAsFactors = FALSE)
min_n <- 5

rows <- list()
for (w in sort(unique(scores$wave))) {
  for (s in sort(unique(scores$scale))) {
    d <- scores[scores$wave == w & scores$scale == s, ]
    sizes <- table(d$site)
    shown <- names(sizes)[sizes >= min_n]
    site_means <- sapply(shown, function(k) mean(d$score[d$site == k]))
    pool_mean <- mean(d$score)
    pool_sd <- sd(d$score)
    for (site in names(sizes)) {
      n <- as.integer(sizes[[site]])
      if (n < min_n) {
        rows[[length(rows) + 1]] <- list(wave = w, scale = s, site = site, n = n,
                                         suppressed = TRUE)
        next
      }
      x <- d$score[d$site == site]
      others <- d$score[d$site != site]
      one <- t.test(x)
      two <- t.test(x, others, var.equal = FALSE)
      other_means <- site_means[names(site_means) != site]
      m <- mean(x)
      rows[[length(rows) + 1]] <- list(
        wave = w, scale = s, site = site, n = n, suppressed = FALSE,
        mean = m, sd = sd(x), ci_low = one$conf.int[1], ci_high = one$conf.int[2],
        benchmark = mean(others), benchmark_n = length(others),
        others_site_mean = mean(other_means),
        difference = unname(two$estimate[1] - two$estimate[2]),
        difference_ci_low = two$conf.int[1], difference_ci_high = two$conf.int[2],
        statistic = unname(two$statistic), df = unname(two$parameter),
        pvalue = two$p.value,
        percentile = 100 * (sum(other_means < m) + 0.5 * sum(other_means == m)) /
          length(other_means),
        flag = if (two$conf.int[1] > 0) "strength" else if (two$conf.int[2] < 0)
          "weakness" else "none",
        pool_mean = pool_mean, pool_sd = pool_sd,
        funnel_low_95 = pool_mean - qnorm(0.975) * pool_sd / sqrt(n),
        funnel_high_95 = pool_mean + qnorm(0.975) * pool_sd / sqrt(n),
        funnel_low_99_8 = pool_mean - qnorm(0.999) * pool_sd / sqrt(n),
        funnel_high_99_8 = pool_mean + qnorm(0.999) * pool_sd / sqrt(n)
      )
    }
  }
}

write_json(list(rows = rows, min_n = min_n, r_version = R.version.string),
           file.path(here, "compare_expected.json"), auto_unbox = TRUE, digits = NA,
           pretty = TRUE)
