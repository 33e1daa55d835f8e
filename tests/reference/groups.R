# Reference values for tests/stats/test_rank_tests.py.
#
# Run from the repository root:
#     Rscript tests/reference/groups.R
# Reads tests/reference/stats_scores.csv and stats_respondents.csv (written by
# make_stats_data.R) and writes tests/reference/groups_expected.json. R 4.2, base R and the
# recommended package boot (plus jsonlite to write JSON).
#
# Settings that match SciPy's asymptotic tests:
#   kruskal.test                      = scipy.stats.kruskal (tie-corrected chi-squared)
#   wilcox.test(exact = FALSE, correct = TRUE)   = mannwhitneyu(method = "asymptotic",
#                                                   use_continuity = True)
#   wilcox.test(exact = FALSE, correct = FALSE)  = mannwhitneyu(..., use_continuity = False)
# epsilon squared by hand, H / ((n^2 - 1) / (n + 1)), as rcompanion::epsilonSquared; its
# percentile bootstrap interval with boot::boot (R = 2000, resampling rows, set.seed(1)) -
# a Monte Carlo quantity, compared loosely. Dunn's z by hand (with tie correction);
# p.adjust(method = "holm" / "BH").

suppressPackageStartupMessages({
  library(boot)
  library(jsonlite)
})

here <- "tests/reference"
scores <- read.csv(file.path(here, "stats_scores.csv"), stringsAsFactors = FALSE)
respondents <- read.csv(file.path(here, "stats_respondents.csv"), stringsAsFactors = FALSE)
w1 <- scores[scores$wave == 1, ]

eps2 <- function(h, n) h / ((n^2 - 1) / (n + 1))

# Kruskal-Wallis across sites, per scale (wave 1)
kruskal_rows <- list()
for (s in sort(unique(w1$scale))) {
  d <- w1[w1$scale == s, ]
  k <- kruskal.test(d$score, factor(d$site))
  n <- nrow(d)
  row <- list(scale = s, statistic = unname(k$statistic), df = unname(k$parameter),
              pvalue = k$p.value, n = n, epsilon_squared = eps2(unname(k$statistic), n))
  if (s == "trust") {
    set.seed(1)
    b <- boot(d, function(x, i) eps2(kruskal.test(x$score[i], factor(x$site[i]))$statistic,
                                     n), R = 2000)
    ci <- boot.ci(b, conf = 0.95, type = "perc")$percent[4:5]
    row$ci_low <- ci[1]
    row$ci_high <- ci[2]
  }
  kruskal_rows[[length(kruskal_rows) + 1]] <- row
}

# pairwise Mann-Whitney and Dunn between sites, trust, wave 1
d <- w1[w1$scale == "trust", ]
sites <- sort(unique(d$site))
pairs <- list()
dunn_rows <- list()
ranks <- rank(d$score)
n <- nrow(d)
ties <- table(d$score)
s2 <- n * (n + 1) / 12 - sum(ties^3 - ties) / (12 * (n - 1))
for (i in seq_along(sites)) {
  for (j in seq_along(sites)) {
    if (j <= i) next
    x <- d$score[d$site == sites[i]]
    y <- d$score[d$site == sites[j]]
    t1 <- wilcox.test(x, y, exact = FALSE, correct = TRUE)
    t0 <- wilcox.test(x, y, exact = FALSE, correct = FALSE)
    pairs[[length(pairs) + 1]] <- list(
      group_a = sites[i], group_b = sites[j], n_a = length(x), n_b = length(y),
      statistic = unname(t1$statistic), pvalue = t1$p.value, pvalue_uncorrected = t0$p.value,
      rank_biserial = 2 * unname(t1$statistic) / (length(x) * length(y)) - 1)
    z <- (mean(ranks[d$site == sites[i]]) - mean(ranks[d$site == sites[j]])) /
      sqrt(s2 * (1 / length(x) + 1 / length(y)))
    dunn_rows[[length(dunn_rows) + 1]] <- list(group_a = sites[i], group_b = sites[j],
                                               statistic = z, pvalue = 2 * pnorm(-abs(z)))
  }
}
p_pairs <- sapply(pairs, function(r) r$pvalue)
holm_pairs <- p.adjust(p_pairs, method = "holm")
for (k in seq_along(pairs)) pairs[[k]]$pvalue_adj <- holm_pairs[k]
pw <- pairwise.wilcox.test(d$score, d$site, p.adjust.method = "holm", exact = FALSE,
                           correct = TRUE)
# pairwise.wilcox.test must agree with the loop above (lower triangle: row j, column i)
for (k in seq_along(pairs)) {
  stopifnot(abs(pw$p.value[pairs[[k]]$group_b, pairs[[k]]$group_a] - holm_pairs[k]) < 1e-12)
}
p_dunn <- sapply(dunn_rows, function(r) r$pvalue)
holm_dunn <- p.adjust(p_dunn, method = "holm")
for (k in seq_along(dunn_rows)) dunn_rows[[k]]$pvalue_adj <- holm_dunn[k]

# p.adjust on a fixed vector
p_raw <- c(0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216)
adjust <- list(p = p_raw, holm = p.adjust(p_raw, "holm"), bh = p.adjust(p_raw, "BH"))

# eye level: trust and benefit by employment (Mann-Whitney) and actor type (Kruskal-Wallis,
# groups with fewer than 5 respondents left out), per wave; Holm over all tests
merged <- merge(scores, respondents, by = c("respondent", "site", "wave"))
eye <- list()
for (w in sort(unique(merged$wave))) {
  for (s in c("benefit", "trust")) {
    d <- merged[merged$wave == w & merged$scale == s, ]
    t <- wilcox.test(score ~ factor(employment), data = d, exact = FALSE, correct = TRUE)
    n_paid <- sum(d$employment == "paid")
    n_vol <- sum(d$employment == "volunteer")
    eye[[length(eye) + 1]] <- list(
      wave = w, scale = s, attribute = "employment", test = "mann_whitney", n = nrow(d),
      statistic = unname(t$statistic), pvalue = t$p.value,
      effect_size = 2 * unname(t$statistic) / (n_paid * n_vol) - 1)
    sizes <- table(d$actor_type)
    kept <- names(sizes)[sizes >= 5]
    e <- d[d$actor_type %in% kept, ]
    k <- kruskal.test(e$score, factor(e$actor_type))
    eye[[length(eye) + 1]] <- list(
      wave = w, scale = s, attribute = "actor_type", test = "kruskal_wallis", n = nrow(e),
      statistic = unname(k$statistic), pvalue = k$p.value,
      effect_size = eps2(unname(k$statistic), nrow(e)),
      dropped = paste(names(sizes)[sizes < 5], collapse = ", "))
  }
}
p_eye <- p.adjust(sapply(eye, function(r) r$pvalue), method = "holm")
for (k in seq_along(eye)) eye[[k]]$pvalue_adj <- p_eye[k]

write_json(list(kruskal = kruskal_rows, pairwise = pairs, dunn = dunn_rows,
                adjust = adjust, eye_level = eye, r_version = R.version.string),
           file.path(here, "groups_expected.json"), auto_unbox = TRUE, digits = NA,
           pretty = TRUE)
