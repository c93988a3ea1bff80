using System.CommandLine;
using BookingSystem.Cli.Commands;

// Each verb lives in Commands/ and is only composed here.
var root = new RootCommand("BookingSystem developer tools.")
{
    TokenCommand.Create(),
    PublishCommand.Create(),
    SimulateCommand.Create(),
    DlqCommand.Create(),
    BenchCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
