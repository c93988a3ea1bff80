using Microsoft.EntityFrameworkCore.Migrations;

namespace BookingSystem.InventoryService.Data.Migrations;

/// <summary>
/// The baseline for tool-generated migrations: it changes nothing in the database (the two hand-written
/// migrations before it already create exactly this model, as MigrationSchemaTests shows) and brings the model
/// snapshot (<see cref="InventoryDbContextModelSnapshot"/>) that <c>dotnet ef migrations add</c> diffs against
/// from now on. Databases made by the old migrations upgrade by recording this id; new ones run all three.
/// </summary>
public partial class SnapshotBaseline : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
    }
}
