# Small synthetic survey used as the shared input of the R reference scripts.
#
# Run from the repository root:  Rscript tests/reference/make_stats_data.R
# Writes stats_respondents.csv, stats_items.csv (trust and benefit items only) and
# stats_scores.csv (committed; the Python tests read them).
# Everything is drawn with a fixed seed, so rerunning gives byte-identical files.
#
# Shape (mirrors evaluation.io.ingest / evaluation.analysis.scales):
#   stats_respondents.csv  respondent, site, wave, employment, actor_type
#   stats_items.csv        respondent, site, wave, item, value      (1..5, NA = not answered)
#   stats_scores.csv       respondent, site, wave, scale, score     (mean of the valid items)
# Built in: differences between sites, a wave-2 improvement, volunteers rating trust lower,
# synergy going with network management and trust, one site with 3 respondents (for
# suppression), about 70 % of wave-1 respondents answering again under the same pseudonym.

set.seed(20240521)

sites <- sprintf("S%02d", 1:8)
size_w1 <- c(14L, 9L, 18L, 3L, 11L, 7L, 16L, 12L)
site_effect <- setNames(c(0.45, -0.30, 0.10, 0.00, -0.55, 0.25, -0.05, 0.35), sites)
scales <- list(
  trust = sprintf("trust_%d", 1:4),
  benefit = sprintf("benefit_%d", 1:3),
  transparency = sprintf("transparency_%d", 1:3),
  network_management = sprintf("network_management_%d", 1:5),
  synergy = sprintf("synergy_%d", 1:4)
)
actor_types <- c("administration", "welfare_organisation", "mso",
                 "association_volunteer", "other")

# wave 1 respondents
w1 <- data.frame(
  respondent = sprintf("R%03d", seq_len(sum(size_w1))),
  site = rep(sites, size_w1),
  wave = 1L,
  stringsAsFactors = FALSE
)
w1$actor_type <- sample(actor_types, nrow(w1), replace = TRUE,
                        prob = c(0.30, 0.25, 0.15, 0.20, 0.10))
w1$employment <- ifelse(w1$actor_type == "association_volunteer" |
                          (w1$actor_type == "mso" & runif(nrow(w1)) < 0.6),
                        "volunteer", "paid")

# wave 2: about 70 % stay (same pseudonym, same attributes), plus newcomers
stay <- w1[runif(nrow(w1)) < 0.7, ]
new_n <- c(3L, 2L, 4L, 1L, 3L, 2L, 3L, 3L)
new <- data.frame(
  respondent = sprintf("R%03d", sum(size_w1) + seq_len(sum(new_n))),
  site = rep(sites, new_n),
  wave = 2L,
  stringsAsFactors = FALSE
)
new$actor_type <- sample(actor_types, nrow(new), replace = TRUE,
                         prob = c(0.30, 0.25, 0.15, 0.20, 0.10))
new$employment <- ifelse(new$actor_type == "association_volunteer", "volunteer", "paid")
stay$wave <- 2L
respondents <- rbind(w1, stay, new)
respondents <- respondents[order(respondents$wave, respondents$site, respondents$respondent), ]
rownames(respondents) <- NULL

# latent person level (same person keeps most of it across waves)
persons <- unique(respondents$respondent)
person_effect <- setNames(rnorm(length(persons), 0, 0.45), persons)

latent <- function(row, scale) {
  base <- 3.1 + site_effect[[row$site]] + person_effect[[row$respondent]]
  base <- base + ifelse(row$wave == 2L, 0.25, 0)
  if (scale == "trust" && row$employment == "volunteer") base <- base - 0.5
  if (scale == "benefit" && row$actor_type == "mso") base <- base - 0.4
  base + rnorm(1, 0, 0.45)
}

item_rows <- list()
for (i in seq_len(nrow(respondents))) {
  row <- respondents[i, ]
  lat <- list()
  for (scale in c("trust", "benefit", "transparency", "network_management")) {
    lat[[scale]] <- latent(row, scale)
  }
  lat$synergy <- 1.0 + 0.35 * lat$network_management + 0.30 * lat$trust +
    rnorm(1, 0, 0.45)
  for (scale in names(scales)) {
    items <- scales[[scale]]
    values <- pmin(5, pmax(1, round(lat[[scale]] + rnorm(length(items), 0, 0.6))))
    values[runif(length(items)) < 0.04] <- NA
    item_rows[[length(item_rows) + 1]] <- data.frame(
      respondent = row$respondent, site = row$site, wave = row$wave,
      item = items, value = values, scale = scale, stringsAsFactors = FALSE)
  }
}
items <- do.call(rbind, item_rows)

# scale score: mean of the valid items when at least two thirds are valid
keys <- unique(items[, c("respondent", "site", "wave", "scale")])
scores <- keys
scores$score <- NA_real_
for (j in seq_len(nrow(keys))) {
  k <- keys[j, ]
  v <- items$value[items$respondent == k$respondent & items$wave == k$wave &
                     items$scale == k$scale]
  if (sum(!is.na(v)) >= 2 / 3 * length(v)) scores$score[j] <- mean(v, na.rm = TRUE)
}
scores <- scores[!is.na(scores$score), ]

here <- "tests/reference"
write.csv(respondents, file.path(here, "stats_respondents.csv"), row.names = FALSE)
kept <- items$scale %in% c("trust", "benefit")
write.csv(items[kept, c("respondent", "site", "wave", "item", "value")], file.path(here, "stats_items.csv"),
          row.names = FALSE, na = "")
write.csv(scores, file.path(here, "stats_scores.csv"), row.names = FALSE)
cat(nrow(respondents), "respondent-waves,", nrow(items), "item answers,",
    nrow(scores), "scores\n")
