using BookingSystem.InventoryService.Messaging;
using Microsoft.Extensions.Options;

namespace BookingSystem.InventoryService.UnitTests.Messaging;

public sealed class OutboxLeaseValidationTests
{
    [Theory]
    [InlineData(30, 10, true)]
    [InlineData(3, 2, true)]
    [InlineData(10, 10, false)]
    [InlineData(5, 10, false)]
    public void A_claim_lease_must_outlast_the_publish_timeout(int leaseSeconds, int publishTimeoutSeconds, bool valid)
    {
        var validation = new OutboxLeaseValidation(Options.Create(new RabbitMqOptions { PublishTimeout = TimeSpan.FromSeconds(publishTimeoutSeconds) }));

        var result = validation.Validate(null, new OutboxOptions { ClaimLease = TimeSpan.FromSeconds(leaseSeconds) });

        Assert.Equal(valid, result.Succeeded);
        if (!valid)
        {
            Assert.Contains("Outbox:ClaimLease", result.FailureMessage, StringComparison.Ordinal);
        }
    }
}
