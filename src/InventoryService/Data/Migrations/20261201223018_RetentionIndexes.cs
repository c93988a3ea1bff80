using Microsoft.EntityFrameworkCore.Migrations;

namespace BookingSystem.InventoryService.Data.Migrations;

/// <summary>Indexes for the inbox retention and the sweeper's forgetting of payment outcomes whose booking never came.</summary>
public partial class RetentionIndexes : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateIndex(
            name: "IX_payment_outcomes_received_at",
            table: "payment_outcomes",
            column: "received_at",
            filter: "applied_at IS NULL");

        migrationBuilder.CreateIndex(
            name: "IX_inbox_messages_processed_at",
            table: "inbox_messages",
            column: "processed_at");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropIndex(
            name: "IX_payment_outcomes_received_at",
            table: "payment_outcomes");

        migrationBuilder.DropIndex(
            name: "IX_inbox_messages_processed_at",
            table: "inbox_messages");
    }
}
