# Reference values for tests/analysis/test_aggregation.py.
#
# Run from the repository root:
#     Rscript tests/reference/aggregation.R
# Reads tests/reference/stats_scores.csv and stats_items.csv (written by make_stats_data.R)
# and writes tests/reference/aggregation_expected.json. R 4.2 with Debian's r-cran-lme4.
#
# Per wave and scale:
#   ICC(1), ICC(2), F and p from summary(aov(score ~ factor(site)))  (by hand, see below);
#     icc1_mean uses k = N / G as multilevel::ICC1, icc1_k0 the unequal-size correction k0
#   REML variance components from lme4::lmer(score ~ 1 + (1 | site), REML = TRUE)
# Per wave, site and scale (trust, benefit): rwg(j) by hand against the uniform null of a
# 5-option scale, sigma2_EU = (5^2 - 1) / 12 = 2, item variances with na.rm = TRUE,
# truncated at 0 when the mean variance exceeds sigma2_EU.

suppressPackageStartupMessages({
  library(lme4)
  library(jsonlite)
})

here <- "tests/reference"
scores <- read.csv(file.path(here, "stats_scores.csv"), stringsAsFactors = FALSE)
items <- read.csv(file.path(here, "stats_items.csv"), stringsAsFactors = FALSE)

icc_rows <- list()
for (w in sort(unique(scores$wave))) {
  for (s in sort(unique(scores$scale))) {
    d <- scores[scores$wave == w & scores$scale == s, ]
    tab <- summary(aov(score ~ factor(site), data = d))[[1]]
    msb <- tab[1, "Mean Sq"]
    msw <- tab[2, "Mean Sq"]
    n <- nrow(d)
    sizes <- table(d$site)
    g <- length(sizes)
    k_mean <- n / g
    k0 <- (n - sum(sizes^2) / n) / (g - 1)
    m <- lmer(score ~ 1 + (1 | site), data = d, REML = TRUE)
    vc <- as.data.frame(VarCorr(m))
    icc_rows[[length(icc_rows) + 1]] <- list(
      wave = w, scale = s, n = n, n_groups = g,
      ms_between = msb, ms_within = msw,
      f = tab[1, "F value"], df_between = tab[1, "Df"], df_within = tab[2, "Df"],
      pvalue = tab[1, "Pr(>F)"],
      k0 = k0, k_mean = k_mean,
      icc1_k0 = (msb - msw) / (msb + (k0 - 1) * msw),
      icc1_mean = (msb - msw) / (msb + (k_mean - 1) * msw),
      icc2 = (msb - msw) / msb,
      site_variance = vc$vcov[vc$grp == "site"],
      residual_variance = vc$vcov[vc$grp == "Residual"],
      icc_reml = vc$vcov[vc$grp == "site"] / sum(vc$vcov),
      intercept = unname(fixef(m)[1])
    )
  }
}

rwg_one <- function(x, options = 5) {
  variances <- apply(x, 2, var, na.rm = TRUE)
  variances <- variances[!is.na(variances)]
  j <- length(variances)
  s2 <- mean(variances)
  ratio <- s2 / ((options^2 - 1) / 12)
  rwg <- if (ratio > 1) 0 else j * (1 - ratio) / (j * (1 - ratio) + ratio)
  list(n_items = j, mean_item_variance = s2, rwg_j = rwg)
}

rwg_rows <- list()
rwg_summary <- list()
for (w in sort(unique(items$wave))) {
  for (s in c("trust", "benefit")) {
    d <- items[items$wave == w & startsWith(items$item, paste0(s, "_")), ]
    wide <- reshape(d[, c("respondent", "site", "item", "value")], idvar = c("respondent", "site"),
                    timevar = "item", direction = "wide")
    values <- c()
    for (site in sort(unique(wide$site))) {
      x <- as.matrix(wide[wide$site == site, grep("^value\\.", names(wide))])
      r <- rwg_one(x)
      values <- c(values, r$rwg_j)
      rwg_rows[[length(rwg_rows) + 1]] <- c(list(wave = w, scale = s, site = site,
                                                 n = nrow(x)), r)
    }
    rwg_summary[[length(rwg_summary) + 1]] <- list(
      wave = w, scale = s, rwg_mean = mean(values), rwg_median = median(values),
      rwg_share_agree = mean(values >= 0.70))
  }
}

write_json(list(icc = icc_rows, rwg = rwg_rows, rwg_summary = rwg_summary,
                r_version = R.version.string,
                lme4_version = as.character(packageVersion("lme4"))),
           file.path(here, "aggregation_expected.json"), auto_unbox = TRUE, digits = NA,
           pretty = TRUE)
