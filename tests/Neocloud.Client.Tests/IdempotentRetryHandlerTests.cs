using System.Net;

namespace Neocloud.Client.Tests;

/// <summary>What the client's connection adds to a request: an Idempotency-Key on a POST, kept across retries after 429.</summary>
public sealed class IdempotentRetryHandlerTests
{
    [Fact]
    public async Task A_post_gets_a_key_and_a_429_is_retried_after_retry_after_with_the_same_key()
    {
        var answers = new Answers(HttpStatusCode.TooManyRequests, HttpStatusCode.Created);
        using var http = ExchangeHttp.Create(new Uri("http://127.0.0.1:9"), "nc_test", answers);

        using var response = await http.PostAsync("api/v1/orders/bids", new StringContent("{}"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(2, answers.Keys.Count);
        Assert.NotNull(answers.Keys[0]);
        Assert.Equal(answers.Keys[0], answers.Keys[1]);
    }

    [Fact]
    public async Task A_get_has_no_key_and_gives_up_after_three_429s()
    {
        var answers = new Answers(HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests, HttpStatusCode.OK);
        using var http = ExchangeHttp.Create(new Uri("http://127.0.0.1:9"), "nc_test", answers);

        using var response = await http.GetAsync("api/v1/orders");

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal([null, null, null], answers.Keys);
    }

    /// <summary>Answers with the given statuses in turn (Retry-After: 0 on a 429) and notes each request's Idempotency-Key.</summary>
    private sealed class Answers(params HttpStatusCode[] statuses) : HttpMessageHandler
    {
        private int _next;

        public List<string?> Keys { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Keys.Add(request.Headers.TryGetValues(IdempotentRetryHandler.IdempotencyKeyHeader, out var values) ? values.Single() : null);
            var response = new HttpResponseMessage(statuses[_next++]);
            if (response.StatusCode == HttpStatusCode.TooManyRequests) response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.Zero);
            return Task.FromResult(response);
        }
    }
}
