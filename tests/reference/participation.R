# Reference values for tests/participation/test_participation.py and tests/participation/test_ideas.py.
# Run from the repository root:  Rscript tests/reference/participation.R [output.json]
# Writes participation_expected.json (committed). Gini and Kendall's W are computed from their
# textbook formulas (no add-on package needed); the ICCs with psych::ICC (Debian r-cran-psych)
# and, for an unbalanced design, from anova(lm()) mean squares.
suppressPackageStartupMessages({
  library(jsonlite)
  library(psych)
})
here <- "tests/reference"
args <- commandArgs(trailingOnly = TRUE)  # optional: where to write the JSON
out_file <- if (length(args)) args[1] else file.path(here, "participation_expected.json")

# Gini as in ineq::Gini(x, corr = FALSE): 2 * sum(i * x_(i)) / (n * sum(x)) - (n + 1) / n
gini <- function(x, corr = FALSE) {
  x <- sort(x)
  n <- length(x)
  g <- 2 * sum(seq_len(n) * x) / (n * sum(x)) - (n + 1) / n
  if (corr) g * n / (n - 1) else g
}
# the same by the mean absolute difference: sum_i sum_j |x_i - x_j| / (2 n^2 mean(x))
gini_mad <- function(x) sum(abs(outer(x, x, "-"))) / (2 * length(x)^2 * mean(x))
attendance_counts <- c(0, 0, 1, 2, 2, 5)

# Kendall's W with tie correction (Siegel & Castellan 1988, eq. 9.16):
# W = 12 S / (m^2 (n^3 - n) - m sum_j T_j), T_j = sum over tie groups (t^3 - t)
kendall_w <- function(ratings) {          # rows = raters, columns = items
  m <- nrow(ratings)
  n <- ncol(ratings)
  ranks <- t(apply(ratings, 1, rank))     # mid-ranks for ties ("average")
  r <- colSums(ranks)
  s <- sum((r - m * (n + 1) / 2)^2)
  ties <- sum(apply(ratings, 1, function(row) {
    t <- table(row)
    sum(t^3 - t)
  }))
  w <- 12 * s / (m^2 * (n^3 - n) - m * ties)
  chi2 <- m * (n - 1) * w
  list(w = w, w_uncorrected = 12 * s / (m^2 * (n^3 - n)), s = s, ties = ties,
       chi2 = chi2, df = n - 1, pvalue = pchisq(chi2, n - 1, lower.tail = FALSE))
}
ratings <- rbind(c(5, 4, 4, 2, 1),
                 c(4, 4, 3, 2, 2),
                 c(5, 3, 4, 1, 2),
                 c(3, 5, 4, 2, 1))

# Shrout & Fleiss (1979), Table 2: 6 targets x 4 judges
sf <- rbind(c(9, 2, 5, 8), c(6, 1, 3, 2), c(8, 4, 6, 8),
            c(7, 1, 2, 6), c(10, 5, 6, 9), c(6, 2, 4, 7))
icc <- psych::ICC(sf, lmer = FALSE)$results
kw <- kendall_w(ratings)

# One-way ICC(1) and ICC(1,k) in an unbalanced design (items rated by different numbers of
# raters), from R's own ANOVA mean squares and n0 = (N - sum n_j^2 / N) / (J - 1)
oneway <- data.frame(item = c("a", "a", "a", "b", "b", "c", "c", "c", "c"),
                     y = c(4, 5, 4, 2, 3, 3, 3, 4, 2))
tab <- anova(lm(y ~ factor(item), data = oneway))
msb <- tab[["Mean Sq"]][1]
msw <- tab[["Mean Sq"]][2]
nj <- table(oneway$item)
n0 <- (sum(nj) - sum(nj^2) / sum(nj)) / (length(nj) - 1)
out <- list(
  gini = list(x = attendance_counts, gini = gini(attendance_counts),
              gini_corrected = gini(attendance_counts, corr = TRUE),
              gini_mad = gini_mad(attendance_counts)),
  kendall_w = c(list(ratings = ratings), kw),
  icc = list(data = sf,
             icc1 = icc$ICC[icc$type == "ICC1"],
             icc2_1 = icc$ICC[icc$type == "ICC2"],
             icc1_k = icc$ICC[icc$type == "ICC1k"],
             icc2_k = icc$ICC[icc$type == "ICC2k"]),
  icc_oneway = list(item = oneway$item, y = oneway$y, msb = msb, msw = msw, n0 = n0,
                    icc1 = (msb - msw) / (msb + (n0 - 1) * msw),
                    icc1_k = (msb - msw) / msb)
)
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE),
           out_file)
