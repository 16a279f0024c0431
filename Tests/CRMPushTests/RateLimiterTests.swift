import CRMPush
import Testing

/// The token bucket and the limiter on a fake clock (seconds given, nothing sleeps).
@Suite struct RateLimiterTests {
    @Test func theBucketLetsABurstGoThenRefills() {
        var bucket = TokenBucket(capacity: 10, refillPerSecond: 9)
        for _ in 0..<10 {
            #expect(bucket.delay(now: 100) == 0)
            bucket.take(now: 100)
        }
        #expect(abs(bucket.delay(now: 100) - 1.0 / 9) < 1e-12)
        #expect(bucket.delay(now: 100 + 1.0 / 9) < 1e-12)
        #expect(bucket.available(now: 1_000) == 10)
    }

    @Test func takingEarlyLeavesADebt() {
        var bucket = TokenBucket(capacity: 1, refillPerSecond: 2)
        bucket.take(now: 0)
        bucket.take(now: 0)
        bucket.take(now: 0)
        #expect(bucket.delay(now: 0) == 1.5)
        #expect(bucket.delay(now: 1.5) == 0)
    }

    @Test func aClockThatStepsBackRefillsNothing() {
        var bucket = TokenBucket(capacity: 2, refillPerSecond: 1)
        bucket.take(now: 50)
        bucket.take(now: 50)
        #expect(bucket.delay(now: 40) == 1)
        bucket.take(now: 40)
        #expect(bucket.delay(now: 50) == 2)
        #expect(bucket.delay(now: 52) == 0)
    }

    @Test func hostileSizesAreClamped() {
        let bucket = TokenBucket(capacity: -5, refillPerSecond: 0)
        #expect(bucket.capacity == 1)
        #expect(bucket.delay(now: 0) == 0)
        var limiter = CRMRateLimiter(CRMRateLimiter.Configuration(burst: 0, perSecond: -1))
        limiter.spend(now: 0)
        #expect(limiter.delay(now: 0) > 0)
        #expect(limiter.delay(now: 0).isFinite)
    }

    @Test func hubSpotHeadersTrimTheBucketAndBlockWhenTheWindowIsNearlySpent() {
        var limiter = CRMRateLimiter(.hubSpot)
        limiter.observe(["x-hubspot-ratelimit-remaining": "5", "x-hubspot-ratelimit-max": "100"], now: 0)
        #expect(limiter.bucket.available(now: 0) == 5)
        #expect(limiter.delay(now: 0) == 0)
        limiter.observe(
            ["x-hubspot-ratelimit-remaining": "2", "x-hubspot-ratelimit-interval-milliseconds": "10000"], now: 1)
        #expect(limiter.delay(now: 1) == 10)
        #expect(limiter.reason(now: 1) == "HubSpot's rolling window is nearly spent")
        #expect(limiter.delay(now: 11) == 0)
    }

    @Test func unreadableHeadersAreIgnored() {
        for value in ["-1", "1.5", "", "abc", "99999999999999", "1 2", "+3"] {
            var limiter = CRMRateLimiter(.hubSpot)
            limiter.observe(
                [
                    "x-hubspot-ratelimit-remaining": value, "x-hubspot-ratelimit-daily-remaining": value,
                    "sforce-limit-info": "api-usage=\(value)/\(value)",
                ], now: 0)
            #expect(limiter.delay(now: 0) == 0, "\(value)")
        }
    }

    @Test func hubSpotsDailyRemainingBlocksUntilTheAccountsMidnight() {
        var configuration = CRMRateLimiter.Configuration.hubSpot
        configuration.utcOffset = 3_600  // Madrid in winter
        configuration.dailyReserve = 100
        var limiter = CRMRateLimiter(configuration)
        let now = 1_767_225_600.0 + 12 * 3_600  // 12:00Z, 13:00 in Madrid
        limiter.observe(["x-hubspot-ratelimit-daily-remaining": "101"], now: now)
        #expect(limiter.delay(now: now) == 0)
        limiter.observe(["x-hubspot-ratelimit-daily-remaining": "100"], now: now)
        #expect(limiter.delay(now: now) == 11 * 3_600)
    }

    @Test func nextMidnightIsInTheGivenZone() {
        let newYear = 1_767_225_600.0
        #expect(CRMRateLimiter.nextMidnight(after: newYear, utcOffset: 0) == newYear + 86_400)
        #expect(CRMRateLimiter.nextMidnight(after: newYear - 1, utcOffset: 0) == newYear)
        #expect(CRMRateLimiter.nextMidnight(after: newYear, utcOffset: -5 * 3_600) == newYear + 5 * 3_600)
        #expect(CRMRateLimiter.nextMidnight(after: newYear, utcOffset: 9 * 3_600) == newYear + 15 * 3_600)
    }

    @Test func salesforceUsageIsReadStrictly() {
        #expect(CRMLimitHeaders.salesforceUsage(["sforce-limit-info": "api-usage=18/5000"])! == (18, 5000))
        #expect(
            CRMLimitHeaders.salesforceUsage(["sforce-limit-info": "api-usage=10018/100000; api-bursts=1/750"])! == (
                10018, 100_000
            ))
        #expect(
            CRMLimitHeaders.salesforceUsage([
                "sforce-limit-info": "per-app-api-usage=17/250(appName=x), api-usage=20/100"
            ])!
                == (20, 100))
        #expect(CRMLimitHeaders.salesforceUsage(["sforce-limit-info": "per-app-api-usage=17/250(appName=x)"]) == nil)
        #expect(CRMLimitHeaders.salesforceUsage(["sforce-limit-info": "api-usage=5/0"]) == nil)
        #expect(CRMLimitHeaders.salesforceUsage(["sforce-limit-info": "api-usage=5"]) == nil)
        #expect(
            CRMLimitHeaders.salesforceUsage(["sforce-limit-info": "api-usage=" + String(repeating: "9", count: 2_000)])
                == nil)
        #expect(CRMLimitHeaders.salesforceUsage([:]) == nil)
    }

    @Test func salesforceUsageAtTheCapBlocksForTheQuotaPause() {
        var configuration = CRMRateLimiter.Configuration.salesforce
        configuration.dailyCap = 1_000  // below the org's 100,000: the share this service may use
        var limiter = CRMRateLimiter(configuration)
        limiter.observe(["sforce-limit-info": "api-usage=999/100000"], now: 0)
        #expect(limiter.delay(now: 0) == 0)
        limiter.observe(["sforce-limit-info": "api-usage=1000/100000"], now: 0)
        #expect(limiter.delay(now: 0) == 3_600)
        #expect(limiter.reason(now: 0) == "Salesforce's daily API quota is spent")
    }

    @Test func theDailyCapCountsRequestsPerDay() {
        var configuration = CRMRateLimiter.Configuration(burst: 100, perSecond: 100)
        configuration.dailyCap = 3
        var limiter = CRMRateLimiter(configuration)
        let noon = 1_767_225_600.0 + 12 * 3_600
        for _ in 0..<3 {
            #expect(limiter.delay(now: noon) == 0)
            limiter.spend(now: noon)
        }
        #expect(limiter.delay(now: noon) == 12 * 3_600)
        #expect(limiter.reason(now: noon) == "daily cap of 3 requests reached")
        #expect(limiter.delay(now: noon + 12 * 3_600) == 0)
    }

    @Test func aBlockIsNeverShortened() {
        var limiter = CRMRateLimiter(.salesforce)
        limiter.block(until: 100, reason: "long")
        limiter.block(until: 50, reason: "short")
        #expect(limiter.delay(now: 0) == 100)
        #expect(limiter.reason(now: 0) == "long")
    }
}
