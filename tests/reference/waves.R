# Reference values for tests/analysis/test_waves.py.
#
# Run from the repository root:
#     Rscript tests/reference/waves.R
# Reads tests/reference/stats_scores.csv and stats_respondents.csv (written by
# make_stats_data.R) and writes tests/reference/waves_expected.json. R 4.2 with Debian's
# r-cran-lme4 (plus jsonlite to write JSON).
#
#   change wave 1 -> 2 per scale and site (both waves >= 5 respondents) and pooled:
#       t.test(after, before)  (Welch)
#   linked respondents (same pseudonym in both waves), per scale:
#       wilcox.test(after, before, paired = TRUE, exact = FALSE, correct = FALSE)
#       (= scipy.stats.wilcoxon(zero_method = "wilcox", correction = False,
#          method = "asymptotic")), also correct = TRUE; matched-pairs rank-biserial
#       r = (T+ - T-) / (T+ + T-) by hand, zero differences dropped
#   lmer(score ~ factor(wave) + (1 | site), REML = TRUE) per scale: fixef, sqrt(diag(vcov)),
#       confint(method = "Wald"), VarCorr
#   attrition per site: respondents in wave 1 and 2, linked (same site), retention

suppressPackageStartupMessages({
  library(lme4)
  library(jsonlite)
})

here <- "tests/reference"
scores <- read.csv(file.path(here, "stats_scores.csv"), stringsAsFactors = FALSE)
respondents <- read.csv(file.path(here, "stats_respondents.csv"), stringsAsFactors = FALSE)
min_n <- 5

change <- list()
paired <- list()
models <- list()
for (s in sort(unique(scores$scale))) {
  d <- scores[scores$scale == s, ]
  for (site in c(sort(unique(d$site)), NA)) {
    part <- if (is.na(site)) d else d[d$site == site, ]
    before <- part$score[part$wave == 1]
    after <- part$score[part$wave == 2]
    row <- list(scale = s, level = if (is.na(site)) "pool" else "site",
                site = if (is.na(site)) NULL else site,
                n_from = length(before), n_to = length(after))
    if (!is.na(site) && min(length(before), length(after)) < min_n) {
      row$suppressed <- TRUE
    } else {
      t <- t.test(after, before)
      row <- c(row, list(suppressed = FALSE,
                         difference = unname(t$estimate[1] - t$estimate[2]),
                         ci_low = t$conf.int[1], ci_high = t$conf.int[2],
                         statistic = unname(t$statistic), df = unname(t$parameter),
                         pvalue = t$p.value))
    }
    change[[length(change) + 1]] <- row
  }

  b <- d[d$wave == 1, c("respondent", "score")]
  a <- d[d$wave == 2, c("respondent", "score")]
  m <- merge(b, a, by = "respondent", suffixes = c("_before", "_after"))
  diffs <- m$score_after - m$score_before
  nz <- diffs[diffs != 0]
  r <- rank(abs(nz))
  t0 <- wilcox.test(m$score_after, m$score_before, paired = TRUE, exact = FALSE,
                    correct = FALSE)
  t1 <- wilcox.test(m$score_after, m$score_before, paired = TRUE, exact = FALSE,
                    correct = TRUE)
  paired[[length(paired) + 1]] <- list(
    scale = s, n_linked = nrow(m), n_nonzero = length(nz),
    statistic = unname(t0$statistic), pvalue = t0$p.value, pvalue_corrected = t1$p.value,
    effect_size = (sum(r[nz > 0]) - sum(r[nz < 0])) / sum(r),
    mean_difference = mean(diffs), median_difference = median(diffs))

  fit <- lmer(score ~ factor(wave) + (1 | site), data = d, REML = TRUE)
  ci <- confint(fit, method = "Wald")
  vc <- as.data.frame(VarCorr(fit))
  models[[length(models) + 1]] <- list(
    scale = s, estimate = unname(fixef(fit)[2]), se = unname(sqrt(diag(vcov(fit)))[2]),
    ci_low = ci["factor(wave)2", 1], ci_high = ci["factor(wave)2", 2],
    intercept = unname(fixef(fit)[1]),
    site_variance = vc$vcov[vc$grp == "site"], residual_variance = vc$vcov[vc$grp == "Residual"],
    n = nrow(d), singular = isSingular(fit))
}

attrition <- list()
for (site in sort(unique(respondents$site))) {
  a <- unique(respondents$respondent[respondents$wave == 1 & respondents$site == site])
  b <- unique(respondents$respondent[respondents$wave == 2 & respondents$site == site])
  attrition[[length(attrition) + 1]] <- list(
    site = site, n_from = length(a), n_to = length(b), linked = length(intersect(a, b)),
    retention = length(intersect(a, b)) / length(a))
}

write_json(list(change = change, paired = paired, models = models, attrition = attrition,
                min_n = min_n, r_version = R.version.string,
                lme4_version = as.character(packageVersion("lme4"))),
           file.path(here, "waves_expected.json"), auto_unbox = TRUE, digits = NA,
           pretty = TRUE)
