using Microsoft.EntityFrameworkCore.Migrations;

namespace BookingSystem.InventoryService.Data.Migrations;

/// <summary>The per-user cap on HTTP holds counts a user's active holds by this index.</summary>
public partial class UserHoldsIndex : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateIndex(
            name: "IX_reservations_user_id",
            table: "reservations",
            column: "user_id",
            filter: "status = 'Reserved' AND origin = 'Http'");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropIndex(
            name: "IX_reservations_user_id",
            table: "reservations");
    }
}
