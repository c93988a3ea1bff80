using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace BookingSystem.InventoryService.Data;

/// <summary>
/// Lets <c>dotnet ef</c> (migrations add, has-pending-model-changes, script) build the context without starting
/// the service, which would need the JWT settings, the broker and so on. Only commands that talk to a database
/// (database update) use the connection string: <c>ConnectionStrings__Inventory</c>, else a local default.
/// </summary>
public sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<InventoryDbContext>
{
    public InventoryDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<InventoryDbContext>()
            .UseNpgsql(Environment.GetEnvironmentVariable($"ConnectionStrings__{DataExtensions.ConnectionStringName}")
                ?? "Host=127.0.0.1;Port=5435;Database=inventory")
            .Options);
}
